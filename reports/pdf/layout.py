"""The building blocks of the PDF reports: the embedded fonts, the styles, numbers and dates in the report's language,
tables that repeat their header on every page they run over, bar charts with a legend, the unit and the named axes, and
the canvas that prints "page N of M" on every page.

DejaVu (the npm package dejavu-fonts-ttf, pinned in package.json, so no system font path is needed) has every letter
of the Kazakh and Russian alphabets; it is embedded, as a subset, in every report."""

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import LongTable, Paragraph, TableStyle

FONT_DIR = settings.NODE_MODULES / "dejavu-fonts-ttf" / "ttf"
FONT, BOLD, ITALIC = "DejaVu", "DejaVu-Bold", "DejaVu-Oblique"

# Published and reported figures keep the colours of the statistics pages' charts.
PUBLISHED_COLOUR = colors.HexColor("#7a5c2e")
REPORTED_COLOUR = colors.HexColor("#1e88e5")
SEVERITY_COLOURS = (colors.HexColor("#f9a825"), colors.HexColor("#ef6c00"), colors.HexColor("#c62828"))
HEADER_BACKGROUND = colors.HexColor("#eeeeee")
HEADER_SIZE = 7
CELL_PADDING = 3  # on each side of a cell: half reportlab's default, so that more columns fit


def register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFont(TTFont(ITALIC, str(FONT_DIR / "DejaVuSans-Oblique.ttf")))
        # So that <b> and <i> in a paragraph keep to DejaVu.
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD)


def styles() -> StyleSheet1:
    sheet = getSampleStyleSheet()
    for style in sheet.byName.values():
        bold = style.name.startswith(("Title", "Heading"))
        style.fontName = BOLD if bold else FONT
    sheet.add(ParagraphStyle("Cover", parent=sheet["Title"], fontSize=20, leading=26, spaceBefore=40 * mm))
    sheet.add(ParagraphStyle("Centred", parent=sheet["Normal"], alignment=TA_CENTER, fontSize=12, leading=16))
    sheet.add(ParagraphStyle("Cell", parent=sheet["Normal"], fontSize=8, leading=10))
    sheet.add(ParagraphStyle("HeaderCell", parent=sheet["Cell"], fontName=BOLD, fontSize=HEADER_SIZE, leading=8.5))
    sheet.add(ParagraphStyle("Source", parent=sheet["Normal"], fontName=ITALIC, fontSize=7.5, leading=9.5))
    return sheet


def text(value: object) -> str:
    """Stored text (names, sources) put into a paragraph, which reads its markup."""
    return escape(str(value))


def number(value: Decimal | float | int | None, places: int = 1) -> str:
    """In the language of the report: "1 606 778,7" in Kazakh and Russian, "1,606,778.7" in English; a dash for
    no figure."""
    if value is None:
        return "—"
    return number_format(value, places, use_l10n=True, force_grouping=True)


def count(value: int) -> str:
    return number(value, 0)


def percent(value: Decimal | int | None) -> str:
    return "—" if value is None else _("%(number)s%%") % {"number": number(value)}


def moment(value: datetime.datetime) -> str:
    """A date and time in the language's format, in the portal's time zone, with its offset from UTC."""
    local = timezone.localtime(value)
    offset = local.isoformat()[-6:]  # "+05:00"
    return f"{date_format(local, 'DATETIME_FORMAT')} (UTC{offset})"


def table(
    header: Sequence[str] | None,
    rows: Sequence[Sequence[object]],
    widths: Sequence[float] | None = None,
    *,
    numeric_from: int = 1,
) -> LongTable:
    """A table whose header row, if any, repeats at the top of every page it runs over. The header and the text columns
    (before `numeric_from`) are wrapped as paragraphs, since names may be long; the numbers are aligned right."""
    sheet = styles()
    data: list[list[object]] = [[Paragraph(text(name), sheet["HeaderCell"]) for name in header]] if header else []
    for row in rows:
        data.append(
            [
                Paragraph(text(value), sheet["Cell"]) if index < numeric_from else value
                for index, value in enumerate(row)
            ]
        )
    first = 1 if header else 0  # the first row of figures
    if widths is not None:
        widths = _fitted(widths, header, rows, numeric_from)
    found = LongTable(data, colWidths=widths, repeatRows=first)
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (numeric_from, first), (-1, -1), "RIGHT"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND))
    found.setStyle(TableStyle(commands))
    return found


def _fitted(
    widths: Sequence[float], header: Sequence[str] | None, rows: Sequence[Sequence[object]], numeric_from: int
) -> list[float]:
    """The columns widened so that no word of the header or a text column, and no number, is broken (the longest
    word differs from language to language); what they gain is taken from the text columns that have room."""
    least = []
    for index in range(len(widths)):
        words = [(word, BOLD, HEADER_SIZE) for word in str(header[index]).split()] if header else []
        for row in rows:
            value = str(row[index])
            words += [(word, FONT, 8) for word in (value.split() if index < numeric_from else [value])]
        longest = max((stringWidth(word, font, size) for word, font, size in words), default=0)
        least.append(longest + 2 * CELL_PADDING + 1)
    fitted = [max(width, needed) for width, needed in zip(widths, least, strict=True)]
    excess = sum(fitted) - sum(widths)
    for index in range(min(numeric_from, len(fitted))):
        taken = min(max(fitted[index] - least[index], 0), excess)
        fitted[index] -= taken
        excess -= taken
    return fitted


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, colors.Color, Sequence[float]]],
    *,
    unit: str,
    category_title: str,
    places: int = 0,
) -> Drawing:
    """Grouped bars, one series per legend entry, with the unit on the value axis and the category axis named.
    From the bottom up: the legend (one entry a line), the category axis's name, its labels (turned when many or
    long), the bars."""
    width, plot_height = 480, 150
    turned = len(categories) > 8 or max((len(name) for name in categories), default=0) > 8
    label_space = 8 + 0.5 * max((stringWidth(name, FONT, 7) for name in categories), default=0) if turned else 14
    legend_top = 6 + 12 * len(series)
    title_y = legend_top + 6
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 62, title_y + 10 + label_space, width - 80, plot_height
    chart = Drawing(width, bars.y + plot_height + 10)
    bars.data = [list(values) for _label, _colour, values in series]
    bars.valueAxis.valueMin = 0
    bars.valueAxis.labelTextFormat = lambda value: number(value, places)
    bars.categoryAxis.categoryNames = list(categories)
    for axis in (bars.categoryAxis, bars.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = FONT, 7
    if turned:
        bars.categoryAxis.labels.angle, bars.categoryAxis.labels.boxAnchor = 30, "ne"
    for index, (_label, colour, _values) in enumerate(series):
        bars.bars[index].fillColor = colour
    chart.add(bars)
    # The unit along the value axis, turned upright.
    chart.add(
        Group(
            String(0, 0, unit, fontName=FONT, fontSize=8, textAnchor="middle"),
            transform=(0, 1, -1, 0, 14, bars.y + bars.height / 2),
        )
    )
    chart.add(String(bars.x + bars.width / 2, title_y, category_title, fontName=FONT, fontSize=8, textAnchor="middle"))
    legend = Legend()
    legend.x, legend.y = bars.x, legend_top
    legend.fontName, legend.fontSize = FONT, 8
    legend.alignment, legend.columnMaximum, legend.dx, legend.dy, legend.deltay = "right", len(series), 8, 8, 12
    legend.colorNamePairs = [(colour, label) for label, colour, _values in series]
    chart.add(legend)
    return chart


class NumberedCanvas(Canvas):
    """Prints the footer, with "page N of M", on every page once the number of pages is known: each finished page
    is kept until the document is saved (reportlab's usual two-step page count)."""

    footer = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        width, _height = self._pagesize
        self.saveState()
        self.setFont(FONT, 7.5)
        self.setStrokeColor(colors.grey)
        self.line(20 * mm, 14 * mm, width - 20 * mm, 14 * mm)
        self.drawString(20 * mm, 10 * mm, self.footer)
        self.drawRightString(
            width - 20 * mm, 10 * mm, _("Page %(page)s of %(pages)s") % {"page": self._pageNumber, "pages": total}
        )
        self.restoreState()
