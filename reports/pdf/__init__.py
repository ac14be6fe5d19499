"""The regional annual report as a PDF an official can sign: a title page (portal, report, region, year, language,
when it was generated and who ordered it), the coverage of the year's returns, the region's waste held over the
years (published and reported, table and chart), the year's waste flows in accepted returns, the enterprises expected
to file and their returns, the monitoring of pollutants (table and chart), the region's published deposits, the
sources of every figure and a place for signatures; "page N of M" on every page. Every text is in the report's
language, numbers and dates too (reports.pdf.layout)."""

import datetime
import io
from collections.abc import Callable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import StyleSheet1
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from monitoring.models import Medium
from registry.models import DepositKind
from registry.returns.models import HazardLevel
from reports.models import RegionalReport
from reports.pdf import layout
from reports.pdf.data import ReportData, report_data
from reports.pdf.layout import count, number, percent, table, text


def regional_report(
    report: RegionalReport, *, generated_at: datetime.datetime, progress: Callable[[int], None]
) -> bytes:
    layout.register_fonts()
    with translation.override(report.language):
        data = report_data(region=report.region, year=report.year)
        progress(30)
        sheet = layout.styles()
        story = _title_page(report, data, generated_at, sheet)
        story += _coverage(data, sheet)
        story += _waste_held(data, sheet)
        story += _waste_flows(data, sheet)
        story += _filers(data, sheet)
        story += _monitoring(data, sheet)
        story += _deposits(data, sheet)
        story += _sources(data, generated_at, sheet)
        story += _signatures(sheet)
        progress(60)
        title = _("Annual report on mining and metallurgical waste")
        region = f"{data.region.name} ({data.region.iso_code})"
        canvas = type("ReportCanvas", (layout.NumberedCanvas,), {"footer": f"Qaldyq · {region} · {data.year}"})
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=18 * mm,
            bottomMargin=22 * mm,
            title=f"{title}: {region}, {data.year}",
            author=_("Qaldyq portal"),
            lang=report.language,
        )
        document.build(story, canvasmaker=canvas)
        progress(90)
        return buffer.getvalue()


def _orderer(report: RegionalReport) -> str:
    user = report.requested_by
    full_name = user.get_full_name()
    return f"{full_name} ({user.username})" if full_name else user.username


def _title_page(
    report: RegionalReport, data: ReportData, generated_at: datetime.datetime, sheet: StyleSheet1
) -> list[Flowable]:
    languages = dict(settings.LANGUAGES)
    details = [
        [_("Region"), f"{data.region.name} ({data.region.iso_code})"],
        [_("Reporting year"), str(data.year)],
        [_("Language"), str(languages.get(report.language, report.language))],
        [_("Generated on"), layout.moment(generated_at)],
        [_("Ordered by"), f"{_orderer(report)}, {layout.moment(report.requested_at)}"],
        [_("Report number"), str(report.pk)],
    ]
    return [
        Paragraph(text(_("Qaldyq — the register of mining and metallurgical waste")), sheet["Centred"]),
        Paragraph(text(_("Annual report on mining and metallurgical waste")), sheet["Cover"]),
        Paragraph(text(f"{data.region.name}, {data.year}"), sheet["Title"]),
        Spacer(1, 20 * mm),
        table(None, details, [55 * mm, 115 * mm], numeric_from=2),
        Spacer(1, 10 * mm),
        Paragraph(
            text(
                _(
                    "Figures from the official statistics, from the waste returns of enterprises accepted by the "
                    "regulator's inspectors, from the monitoring results the enterprises submitted, and from the "
                    "published records of the register of deposits, as they stood when the report was generated."
                )
            ),
            sheet["Normal"],
        ),
        PageBreak(),
    ]


def _in(label: str, unit: str) -> str:
    """A column's name with its unit: "Tonnage, Mt"."""
    return f"{label}, {unit}"


def _heading(title: str, sheet: StyleSheet1) -> list[Flowable]:
    # A heading never ends a page alone.
    return [CondPageBreak(40 * mm), Paragraph(text(title), sheet["Heading2"])]


def _source(line: str, sheet: StyleSheet1) -> Paragraph:
    return Paragraph(text(_("Source: %(source)s") % {"source": line}), sheet["Source"])


def _coverage(data: ReportData, sheet: StyleSheet1) -> list[Flowable]:
    story = _heading(_("1. Coverage of the returns of %(year)s") % {"year": data.year}, sheet)
    covered = data.coverage
    if not covered.expected:
        return [
            *story,
            Paragraph(text(_("No return was expected or submitted in this region for this year.")), sheet["Normal"]),
        ]
    rows = [
        [_("Enterprises expected to file"), count(covered.expected)],
        [_("Returns accepted (their figures are in this report)"), count(covered.accepted)],
        [_("Returns submitted, awaiting a decision"), count(covered.submitted)],
        [_("Returns missing (none, a draft, or returned for correction)"), count(covered.missing)],
        [_("of which returned for correction"), count(covered.returned)],
        [_("Share of expected returns accepted"), percent(covered.share)],
    ]
    if covered.provisional:
        verdict = _(
            "The figures reported in returns for %(year)s are provisional: fewer than %(threshold)s of the expected "
            "returns are accepted, and the figures will still grow."
        ) % {"year": data.year, "threshold": percent(settings.STATISTICS_PROVISIONAL_BELOW_PERCENT)}
    else:
        verdict = _(
            "The figures reported in returns for %(year)s are final: %(share)s of the expected returns are accepted."
        ) % {
            "year": data.year,
            "share": percent(covered.share),
        }
    return [
        *story,
        table([_("Returns"), _("Number")], rows, [130 * mm, 40 * mm]),
        Spacer(1, 3 * mm),
        Paragraph(text(verdict), sheet["Normal"]),
        _source(_("waste returns of the enterprises in the portal"), sheet),
    ]


def _waste_held(data: ReportData, sheet: StyleSheet1) -> list[Flowable]:
    unit = _("thousand tonnes")
    story = _heading(_("2. Hazardous waste held at year end, %(unit)s") % {"unit": unit}, sheet)
    if not data.years:
        # A region with no figures yet (a new region, or none published and no return accepted): no empty chart.
        return [
            *story,
            Paragraph(
                text(_("No waste figures for this region up to %(year)s.") % {"year": data.year}), sheet["Normal"]
            ),
        ]
    published_label, reported_label = _("published (official statistics)"), _("reported in accepted returns")
    rows = []
    for year in data.years:
        reported = data.reported.get(year)
        covered = reported["coverage"] if reported else None
        coverage = "—"
        if covered is not None and covered.expected:
            coverage = _("%(accepted)s of %(expected)s") % {
                "accepted": count(covered.accepted),
                "expected": count(covered.expected),
            }
            if covered.provisional:
                coverage = _("%(coverage)s, provisional") % {"coverage": coverage}
        rows.append(
            [
                str(year),
                number(data.published.get(year)),
                number(reported["held"] if reported else None),
                coverage,
            ]
        )
    header = [_("Year"), _in(published_label, unit), _in(reported_label, unit), _("Returns accepted of expected")]
    chart = layout.bar_chart(
        [str(year) for year in data.years],
        [
            (published_label, layout.PUBLISHED_COLOUR, [float(data.published.get(y) or 0) for y in data.years]),
            (
                reported_label,
                layout.REPORTED_COLOUR,
                [float(data.reported[y]["held"]) if y in data.reported else 0 for y in data.years],
            ),
        ],
        unit=unit,
        category_title=_("year"),
    )
    sources = [_("official statistics: %(source)s") % {"source": data.official_source}] if data.official_source else []
    sources.append(_("waste returns accepted by the regulator (closing balances, all waste codes)"))
    return [
        *story,
        table(header, rows, [20 * mm, 50 * mm, 50 * mm, 50 * mm]),
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                Paragraph(text(_("Figure 1. Waste held at year end, %(unit)s") % {"unit": unit}), sheet["Heading4"]),
                chart,
            ]
        ),
        *[_source(line, sheet) for line in sources],
    ]


HAZARD_NAMES = {level: label for level, label in HazardLevel.choices}
KIND_NAMES = {kind: label for kind, label in DepositKind.choices}


def _part_name(field: str, part: str) -> str:
    if field == "hazard_level":
        return _("non-hazardous") if part == "non_hazardous" else str(HAZARD_NAMES.get(part, part))
    return _("not in a registered deposit") if part == "not_in_deposit" else str(KIND_NAMES.get(part, part))


def _waste_flows(data: ReportData, sheet: StyleSheet1) -> list[Flowable]:
    unit = _("thousand tonnes")
    story = _heading(
        _("3. Waste in the accepted returns of %(year)s, %(unit)s") % {"year": data.year, "unit": unit}, sheet
    )
    reported = data.reported.get(data.year)
    if reported is None:
        return [*story, Paragraph(text(_("No return of this year is accepted yet.")), sheet["Normal"])]
    amounts = [
        (_("Held at year end"), "held"),
        (_("Generated in the year"), "generated"),
        (_("Received from others"), "received"),
        (_("Recycled"), "recycled"),
        (_("Disposed of"), "disposed"),
        (_("Transferred to others"), "transferred"),
    ]
    story += [
        table([_("Amount"), unit], [[label, number(reported[name])] for label, name in amounts], [130 * mm, 40 * mm])
    ]
    for field, title in (
        ("hazard_level", _("Held at year end by hazard level")),
        ("deposit_kind", _("Held at year end by the kind of deposit storing it")),
    ):
        parts = data.parts.get(field, {})
        rows = [[_part_name(field, part), number(value)] for part, value in parts.items()]
        story += [
            Paragraph(text(title), sheet["Heading4"]),
            table([_("Part"), unit], rows, [130 * mm, 40 * mm]),
        ]
    story.append(_source(_("waste returns accepted by the regulator"), sheet))
    return story


def _filers(data: ReportData, sheet: StyleSheet1) -> list[Flowable]:
    tonnes = _("t")
    story = _heading(_("4. Enterprises expected to file for %(year)s") % {"year": data.year}, sheet)
    if not data.filers:
        return [*story, Paragraph(text(_("No enterprise of this region was expected to file.")), sheet["Normal"])]
    statuses = {
        "accepted": _("accepted"),
        "submitted": _("awaiting a decision"),
        "returned": _("returned for correction"),
        "draft": _("draft"),
        "none": _("not filed"),
    }
    header = [
        "№",
        _("Enterprise"),
        _("BIN"),
        _("Return"),
        _in(_("Held at year end"), tonnes),
        _in(_("Generated in the year"), tonnes),
        _in(_("Recycled"), tonnes),
    ]
    rows = [
        [
            str(index),
            filer.name,
            filer.bin,
            statuses[filer.status],
            number(filer.held),
            number(filer.generated),
            number(filer.recycled),
        ]
        for index, filer in enumerate(data.filers, start=1)
    ]
    note = ngettext(
        "%(count)s enterprise: those that filed the year before, hold a deposit, have a staff account on the portal or "
        "began a return for the year; in the region on 31 December.",
        "%(count)s enterprises: those that filed the year before, hold a deposit, have a staff account on the portal "
        "or began a return for the year; in the region on 31 December.",
        len(data.filers),
    ) % {"count": count(len(data.filers))}
    return [
        *story,
        Paragraph(text(note), sheet["Normal"]),
        Spacer(1, 2 * mm),
        table(header, rows, [8 * mm, 46 * mm, 26 * mm, 27 * mm, 21 * mm, 21 * mm, 21 * mm], numeric_from=4),
        _source(_("waste returns in the portal; amounts from the accepted versions"), sheet),
    ]


def _unit(code: str) -> str:
    return {"mg/m3": _("mg/m³"), "mg/kg": _("mg/kg"), "mg/l": _("mg/l")}.get(code, code)


def _monitoring(data: ReportData, sheet: StyleSheet1) -> list[Flowable]:
    story = _heading(_("5. Monitoring of pollutants, %(year)s") % {"year": data.year}, sheet)
    if not data.monitoring:
        return [*story, Paragraph(text(_("No monitoring results.")), sheet["Normal"])]
    mediums = dict(Medium.choices)
    header = [
        _("Pollutant"),
        _("Medium, unit"),
        _("Results"),
        _("Points"),
        _("Mean"),
        _("Maximum"),
        _("Above MPC"),
        _("of them high"),
        _("of them extreme"),
    ]
    rows = []
    for row in data.monitoring:
        found = row.aggregate
        rows.append(
            [
                f"{row.pollutant_name} ({found.pollutant_code})" if row.pollutant_name else found.pollutant_code,
                f"{mediums.get(found.medium, found.medium)}, {_unit(found.unit)}",
                count(found.results),
                count(found.points),
                number(found.mean, 4),
                number(found.maximum, 4),
                count(found.exceeding),
                count(found.high),
                count(found.extreme),
            ]
        )
    story += [
        Paragraph(
            text(
                _(
                    "Evaluated results by pollutant and medium, in the medium's unit; results above the maximum "
                    "permissible concentration (MPC), and of them those of high and of extremely high pollution."
                )
            ),
            sheet["Normal"],
        ),
        Spacer(1, 2 * mm),
        table(
            header,
            rows,
            [36 * mm, 30 * mm, 15 * mm, 14 * mm, 18 * mm, 18 * mm, 13 * mm, 13 * mm, 13 * mm],
            numeric_from=2,
        ),
    ]
    exceeding = [row for row in data.monitoring if row.aggregate.exceeding]
    if exceeding:
        worst = sorted(exceeding, key=lambda row: row.aggregate.exceeding, reverse=True)[:12]
        chart = layout.bar_chart(
            [f"{row.aggregate.pollutant_code} · {mediums.get(row.aggregate.medium, '')}" for row in worst],
            [
                (_("above MPC, all"), layout.SEVERITY_COLOURS[0], [row.aggregate.exceeding for row in worst]),
                (_("high pollution"), layout.SEVERITY_COLOURS[1], [row.aggregate.high for row in worst]),
                (_("extremely high pollution"), layout.SEVERITY_COLOURS[2], [row.aggregate.extreme for row in worst]),
            ],
            unit=_("results"),
            category_title=_("pollutant · medium"),
        )
        story.append(
            KeepTogether(
                [
                    Paragraph(
                        text(_("Figure 2. Results above the maximum permissible concentration (MPC)")),
                        sheet["Heading4"],
                    ),
                    chart,
                ]
            )
        )
    story.append(
        _source(
            _(
                "monitoring results submitted by the enterprises, compared by the portal with the MPC norms in force "
                "on the day of sampling"
            ),
            sheet,
        )
    )
    return story


def _deposits(data: ReportData, sheet: StyleSheet1) -> list[Flowable]:
    story = _heading(_("6. Deposits of the region in the register"), sheet)
    if not data.deposits:
        return [*story, Paragraph(text(_("No published deposit in this region.")), sheet["Normal"])]
    header = [
        _("Deposit"),
        _("Operator"),
        _("Kind"),
        _in(_("Tonnage"), _("Mt")),
        _in(_("Area"), _("ha")),
        _("State as of"),
    ]
    rows = [
        [
            deposit.local_name,
            deposit.operator.local_name,
            deposit.get_kind_display(),
            number(deposit.tonnage_mt, 2),
            number(deposit.area_ha, 1),
            str(deposit.state_year),
        ]
        for deposit in data.deposits
    ]
    return [
        *story,
        table(header, rows, [50 * mm, 45 * mm, 30 * mm, 17 * mm, 15 * mm, 13 * mm], numeric_from=3),
        _source(_("the register of deposits, published records (the latest survey of each)"), sheet),
    ]


def _sources(data: ReportData, generated_at: datetime.datetime, sheet: StyleSheet1) -> list[Flowable]:
    lines = []
    if data.official_source:
        lines.append(
            _("Official statistics: %(title)s. %(source)s")
            % {
                "title": _("Hazardous waste held at enterprises at year end"),
                "source": data.official_source,
            }
        )
    lines += [
        _(
            "Waste returns: the annual returns of the enterprises, filed in the portal and accepted by the inspectors "
            "of the regulator; an enterprise's figures count in the region it was in on 31 December."
        ),
        _(
            "Monitoring: the results of the enterprises' published monitoring points, evaluated against the maximum "
            "permissible concentrations; exceedances are graded by the regulator's severity rules."
        ),
        _("Register: the published records of the deposits and their operators."),
        _("All data as of %(moment)s.") % {"moment": layout.moment(generated_at)},
    ]
    return [
        *_heading(_("Sources"), sheet),
        *[Paragraph(text(f"{index}. {line}"), sheet["Normal"]) for index, line in enumerate(lines, start=1)],
    ]


def _signatures(sheet: StyleSheet1) -> list[Flowable]:
    blank = "_" * 28
    rows = [[_("Prepared by"), blank, blank, blank], [_("Approved by"), blank, blank, blank]]
    return [
        Spacer(1, 10 * mm),
        KeepTogether(
            [
                Paragraph(text(_("Signatures")), sheet["Heading3"]),
                table(
                    [_("Role"), _("Position, name"), _("Signature"), _("Date")],
                    rows,
                    [30 * mm, 50 * mm, 45 * mm, 45 * mm],
                    numeric_from=4,
                ),
            ]
        ),
    ]
