"""The regional annual report as a PDF: the region's waste figures (published and reported), its monitoring
summary, and a chart. DejaVu (from npm, pinned) is embedded, so Kazakh and Russian letters print."""

import io
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from registry.models import Region
from reports import selectors
from reports.models import PublishedValue

FONT_DIR = settings.NODE_MODULES / "dejavu-fonts-ttf" / "ttf"


def _fonts() -> None:
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))


def _number(value: Decimal | float | None, places: int = 1) -> str:
    return "—" if value is None else number_format(value, places, force_grouping=True)


def _table(rows: list[list[str]]) -> Table:
    table = Table(rows, repeatRows=1)
    table.setStyle(
        TableStyle([
            ("FONT", (0, 0), (-1, -1), "DejaVu", 8),
            ("FONT", (0, 0), (-1, 0), "DejaVu-Bold", 8),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ])
    )  # fmt: skip
    return table


def regional_report(region: Region, year: int, language: str, progress: Callable[[int], None]) -> bytes:
    _fonts()
    with translation.override(language):
        styles = getSampleStyleSheet()
        for style in styles.byName.values():
            style.fontName = "DejaVu"
        published = dict(
            PublishedValue.objects.filter(series__code=selectors.REGIONAL_SERIES, region=region)
            .filter(year__lte=year)
            .values_list("year", "value")
        )
        reported = {
            row["year"]: row for row in selectors.reported_values(region=region.iso_code) if row["year"] <= year
        }
        progress(30)
        years = sorted(published.keys() | reported.keys())[-10:]
        story = [
            Paragraph(_("Annual report on mining and metallurgical waste"), styles["Title"]),
            Paragraph(f"{region.name} ({region.iso_code}), {year}", styles["Heading2"]),
            Paragraph(_("Hazardous waste held at year end, thousand tonnes"), styles["Heading3"]),
        ]
        if years:
            story += _waste_table_and_chart(years, published, reported)
        else:
            # A region with no figures yet (a new region, or none published and no return accepted): no empty chart.
            story += [
                Paragraph(_("No waste figures for this region up to %(year)s.") % {"year": year}, styles["Normal"])
            ]
        progress(60)
        monitoring = list(selectors.monitoring_statistics(year=year, region=region.iso_code))
        story += [
            Paragraph(_("Monitoring of pollutants, %(year)s") % {"year": year}, styles["Heading3"]),
            _table(
                [[_("Pollutant"), _("Medium"), _("Results"), _("Exceeding"), _("High"), _("Extreme"), _("Maximum")]]
                + [
                    [
                        row.pollutant_code,
                        row.medium,
                        str(row.results),
                        str(row.exceeding),
                        str(row.high),
                        str(row.extreme),
                        f"{_number(row.maximum, 4)} {row.unit}",
                    ]
                    for row in monitoring
                ]
            )
            if monitoring
            else Paragraph(_("No monitoring results."), styles["Normal"]),
        ]
        buffer = io.BytesIO()
        SimpleDocTemplate(buffer, pagesize=A4, title=f"Qaldyq {region.iso_code} {year}").build(story)
        progress(90)
        return buffer.getvalue()


def _waste_table_and_chart(
    years: list[int], published: dict[int, Decimal], reported: dict[int, dict]
) -> list[Flowable]:
    chart = Drawing(480, 180)
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 40, 20, 420, 140
    bars.data = [
        [float(published.get(y) or 0) for y in years],
        [float(reported.get(y, {}).get("held") or 0) for y in years],
    ]
    bars.categoryAxis.categoryNames = [str(y) for y in years]
    bars.categoryAxis.labels.fontName = bars.valueAxis.labels.fontName = "DejaVu"
    bars.bars[0].fillColor, bars.bars[1].fillColor = colors.HexColor("#7a5c2e"), colors.HexColor("#1e88e5")
    chart.add(bars)
    table = _table(
        [[_("Year"), _("published"), _("reported in returns")]]
        + [[str(y), _number(published.get(y)), _number(reported.get(y, {}).get("held"))] for y in years]
    )
    return [table, Spacer(1, 12), chart, Spacer(1, 12)]
