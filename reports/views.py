"""Public statistics pages and their downloads."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal import cache_tags
from portal.exports import csv_response, xlsx_response
from portal.middleware import HtmxRequest
from portal.page_cache import cached_page, decline, filterset_parameters, integer, matching, one_of, optional
from portal.permissions import Action, require
from registry.models import Enterprise, Region
from registry.selectors import deposit_list, deposit_map_points, map_settings, region_map_bounds
from reports import releases, selectors, services
from reports.cache import cached
from reports.forms import ReportForm
from reports.home import NATIONAL
from reports.home import home as home_page
from reports.models import PublishedValue, RegionalReport, ReleaseAggregate
from reports.selectors import Coverage

DOWNLOAD = one_of("", "csv", "xlsx")
# A year's column or the name, either way; any other order leaves the official order.
ORDER = optional(matching(r"-?(name|(19|20)\d\d)"))

# Downloads name their columns in the reader's language; their numbers stay in the machine's form (a CSV writes
# "1606778.7" whatever the language, so that any program reads it back; an XLSX holds numeric cells, which the
# spreadsheet shows in its own locale).
# The coverage of a reported figure in the downloads, after the figure (`_coverage_cells`).
COVERAGE_COLUMNS = (gettext_lazy("expected returns"), gettext_lazy("accepted returns"),
                    gettext_lazy("submitted returns"), gettext_lazy("missing returns"),
                    gettext_lazy("sent back returns"), gettext_lazy("coverage, %"),
                    gettext_lazy("provisional"))  # fmt: skip
# The national indicators' columns: published, and reported in returns.
PUBLISHED_COLUMNS = {
    "generated": gettext_lazy("generated, kt"), "red": gettext_lazy("red, kt"), "amber": gettext_lazy("amber, kt"),
    "green": gettext_lazy("green, kt"), "recycled": gettext_lazy("recycled, kt"),
    "recycled_share_pct": gettext_lazy("recycled, %"), "per_gdp_kg_per_usd": gettext_lazy("per GDP, kg per USD"),
    "per_capita_kg": gettext_lazy("per capita, kg"),
}  # fmt: skip
REPORTED_COLUMNS = {
    "held": gettext_lazy("held, kt"), "generated": gettext_lazy("generated, kt"),
    "received": gettext_lazy("received, kt"), "recycled": gettext_lazy("recycled, kt"),
    "disposed": gettext_lazy("disposed, kt"), "transferred": gettext_lazy("transferred, kt"),
}  # fmt: skip


def _source_column(source: str, label: object) -> str:
    names = {"published": _("published"), "reported": _("reported in returns")}
    return f"{names.get(source, source)}: {label}"


def _coverage_cells(coverage: Coverage | None) -> list[object]:
    if coverage is None or not coverage.expected:
        return [None] * len(COVERAGE_COLUMNS)
    return [coverage.expected, coverage.accepted, coverage.submitted, coverage.missing, coverage.returned,
            coverage.share, _("yes") if coverage.provisional else _("no")]  # fmt: skip


def _coverage_note(coverage: Coverage | None) -> str | None:
    """A chart's note on a reported figure: "12 of 20 expected returns", with "provisional" below the threshold; None
    when nothing is known."""
    if coverage is None or not coverage.expected:
        return None
    note = ngettext(
        "%(accepted)s of %(expected)s expected return", "%(accepted)s of %(expected)s expected returns",
        coverage.expected,
    ) % {"accepted": coverage.accepted, "expected": coverage.expected}  # fmt: skip
    return _("%(note)s, provisional") % {"note": note} if coverage.provisional else note


# Every region's waste figures of every year, and the published ones.
REGIONAL_TABLE = (cache_tags.figures("waste", None, None), cache_tags.PUBLISHED)


@cached_page(parameters={"order": ORDER, "format": DOWNLOAD}, depends=REGIONAL_TABLE)
def regional_table(request: HttpRequest) -> HttpResponse:
    """Like the official table: regions as rows in its order, years as columns, thousand tonnes, total row."""
    order = request.GET.get("order", "")
    if not ORDER(order):
        order = ""  # the official order, computed (and cached) once, whatever made-up order is asked for
    table = cached(
        "regional-table", order, depends=REGIONAL_TABLE, compute=lambda: selectors.regional_table(order=order)
    )
    download = request.GET.get("format")
    if table is not None and download in {"csv", "xlsx"}:
        # Each reported figure is followed by its coverage.
        header = [_("Region"), "ISO 3166-2"]
        for column in table.columns:
            header.append(_source_column(column.source, column.year))
            if column.source == "reported":
                header += [f"{column.year}: {name}" for name in COVERAGE_COLUMNS]

        def cells(row: selectors.TableRow) -> list[object]:
            found: list[object] = []
            for column, value, coverage in zip(table.columns, row.values, row.coverage, strict=True):
                found.append(value)
                if column.source == "reported":
                    found += _coverage_cells(coverage)
            return found

        rows = [[row.region.name, row.region.iso_code, *cells(row)] for row in table.rows]
        rows.append([_("Republic of Kazakhstan"), "KZ", *cells(table.total)])
        respond = csv_response if download == "csv" else xlsx_response
        return respond("qaldyq-hazardous-waste-by-region", header, rows)
    context = {"table": table, "order": order, "provisional_below": settings.STATISTICS_PROVISIONAL_BELOW_PERCENT}
    return render(request, "reports/regional_table.html", context)


@cached_page(depends=[*NATIONAL, cache_tags.deposits()])  # the public panel: deposits and national figures
def home(request: HttpRequest) -> HttpResponse:
    """Each reader's home: the public figures, and what awaits a filer or an inspector (reports.home)."""
    return render(request, "home.html", {"home": home_page(user=request.user, today=timezone.localdate())})


@cached_page(parameters={"format": DOWNLOAD}, depends=NATIONAL)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The national indicators over the years: as published, and as reported in accepted returns."""
    years = cached("national", depends=NATIONAL, compute=selectors.national_indicators)
    chart = {
        "years": [row.year for row in years],
        "published_generated": [_number(row.published.get("generated")) for row in years],
        "published_recycled": [_number(row.published.get("recycled")) for row in years],
        "reported_generated": [_number(row.reported.get("generated")) for row in years],
        "reported_recycled": [_number(row.reported.get("recycled")) for row in years],
        # A provisional year's reported points are drawn apart, with their coverage as a note.
        "reported_provisional": [bool(row.coverage and row.coverage.provisional) for row in years],
        "reported_coverage": [_coverage_note(row.coverage) for row in years],
        "labels": {
            "published_generated": _("generated (published)"),
            "published_recycled": _("recycled (published)"),
            "reported_generated": _("generated (reported)"),
            "reported_recycled": _("recycled (reported)"),
            "unit": _("thousand tonnes"),
        },
    }
    if request.GET.get("format") in {"csv", "xlsx"}:
        header = [_("Year"),
                  *[_source_column("published", PUBLISHED_COLUMNS[name]) for name in selectors.NATIONAL_INDICATORS],
                  *[_source_column("reported", REPORTED_COLUMNS[name]) for name in selectors.AMOUNTS],
                  _source_column("reported", PUBLISHED_COLUMNS["recycled_share_pct"]),
                  _source_column("reported", PUBLISHED_COLUMNS["per_capita_kg"]),
                  *[_source_column("reported", name) for name in COVERAGE_COLUMNS]]  # fmt: skip
        rows = [
            [row.year, *[row.published.get(name) for name in selectors.NATIONAL_INDICATORS],
             *[row.reported.get(name) for name in selectors.AMOUNTS], row.reported_recycled_share,
             row.reported_per_capita_kg, *_coverage_cells(row.coverage)]
            for row in years
        ]  # fmt: skip
        respond = csv_response if request.GET["format"] == "csv" else xlsx_response
        return respond("qaldyq-national-indicators", header, rows)
    context = {"years": years, "chart": chart, "provisional_below": settings.STATISTICS_PROVISIONAL_BELOW_PERCENT}
    return render(request, "reports/dashboard.html", context)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _region_shows(kwargs: Mapping[str, Any], query: Mapping[str, str]) -> list[cache_tags.Tag]:
    """A region's page: its waste and monitoring figures of every year, its deposits, the published series."""
    region = kwargs["iso_code"]
    return [
        cache_tags.figures("waste", None, region), cache_tags.figures("monitoring", None, region),
        cache_tags.deposits(region), cache_tags.PUBLISHED,
    ]  # fmt: skip


@cached_page(depends=_region_shows)
def region_page(request: HttpRequest, iso_code: str) -> HttpResponse:
    """A region: its figures over the years, its deposits on a map, its monitoring summary and worst exceedances."""
    region = get_object_or_404(Region, iso_code=iso_code)
    published = dict(
        PublishedValue.objects.filter(series__code=selectors.REGIONAL_SERIES, region=region).values_list(
            "year", "value"
        )
    )
    reported = {row["year"]: row["held"] for row in selectors.reported_values(region=iso_code)}
    coverage = selectors.region_coverage(iso_code)
    years = sorted(published.keys() | reported.keys() | coverage.keys())
    monitoring = list(selectors.monitoring_statistics(region=iso_code).order_by("-year", "pollutant_code", "medium"))
    worst = sorted(
        (row for row in monitoring if row.exceeding and not row.suppressed),
        key=lambda row: (row.extreme, row.high, row.exceeding),
        reverse=True,
    )[:10]
    map_points = deposit_map_points(deposit_list(user=request.user).filter(region=region))
    context = {
        "region": region,
        "rows": [(year, published.get(year), reported.get(year), coverage.get(year)) for year in years],
        "chart": {
            "years": years,
            "published": [_number(published.get(year)) for year in years],
            "reported": [_number(reported.get(year)) for year in years],
            "reported_provisional": [year in coverage and coverage[year].provisional for year in years],
            "reported_coverage": [_coverage_note(coverage.get(year)) for year in years],
            "labels": {"published": _("published"), "reported": _("reported"), "unit": _("thousand tonnes")},
        },
        "monitoring": monitoring,
        "worst": worst,
        "map_points": map_points,
        "map_settings": map_settings(bounds=region_map_bounds(region=region, points=map_points)),
        "provisional_below": settings.STATISTICS_PROVISIONAL_BELOW_PERCENT,
        "min_cell": settings.STATISTICS_MIN_CELL,
    }
    return render(request, "reports/region.html", context)


def _enterprise_shows(kwargs: Mapping[str, Any], query: Mapping[str, str]) -> list[cache_tags.Tag]:
    """An enterprise's statistics page: the enterprise, its returns, and the years with figures it lacks a return
    of (whether it was expected to file also depends on its deposits, whose changes bump the enterprise)."""
    return [cache_tags.enterprise(kwargs["pk"]), cache_tags.returns(kwargs["pk"]), cache_tags.years("waste")]


@cached_page(depends=_enterprise_shows)
def enterprise_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An enterprise's accepted yearly totals, as the E-PRTR shows facilities."""
    enterprise = get_object_or_404(Enterprise.objects.select_related("region"), pk=pk)
    totals = selectors.enterprise_totals(enterprise.pk)
    uncounted = selectors.enterprise_uncounted_years(enterprise.pk)
    return render(
        request, "reports/enterprise.html", {"enterprise": enterprise, "totals": totals, "uncounted": uncounted}
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.ORDER_REPORTS)
    form = ReportForm(request.POST or None, user=request.user, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_request(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("reports:report", pk=report.pk)
    reports = RegionalReport.objects.restrict(request.user, Action.VIEW).select_related("region", "requested_by")[:100]
    return render(request, "reports/report_list.html", {"form": form, "reports": reports})


@login_required
def report_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        RegionalReport.objects.restrict(request.user, Action.VIEW).select_related("region"), pk=pk
    )
    template = "reports/_report_progress.html" if request.htmx else "reports/report_detail.html"
    return render(request, template, {"report": report})


@login_required
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    reports = RegionalReport.objects.restrict(request.user, Action.VIEW)
    report = get_object_or_404(reports, pk=pk, status=RegionalReport.Status.DONE)
    return FileResponse(report.file.open("rb"), as_attachment=True, filename=report.file.name.rsplit("/", 1)[-1])


# The release statistics' filters as the page cache keys them: a year within the bounds, a region's code, a
# pollutant's code (those that exist are the FilterSet's to check), a medium of its choices.
RELEASE_FILTERS = filterset_parameters(
    releases.ReleaseStatsFilterSet,
    year=optional(integer(releases.FIRST_YEAR, releases.LAST_YEAR)),
    region=optional(matching(r"KZ(-\d{2})?")),
    pollutant=optional(matching(r"[^\x00-\x1f]{1,20}")),
)
RELEASE_COLUMNS = (gettext_lazy("Year"), gettext_lazy("Region"), "ISO 3166-2", gettext_lazy("Pollutant"),
                   gettext_lazy("CAS number"), gettext_lazy("Medium"), gettext_lazy("Released"), gettext_lazy("Unit"),
                   gettext_lazy("Enterprises"), gettext_lazy("expected reports"), gettext_lazy("accepted reports"),
                   gettext_lazy("coverage, %"), gettext_lazy("provisional"))  # fmt: skip


def _release_page_shows(kwargs: Mapping[str, Any], query: Mapping[str, str]) -> list[cache_tags.Tag]:
    """The national totals of the year asked for (of every year without one: the newest is shown, and the year
    picker lists them all), which change with any region's."""
    return [cache_tags.figures("releases", int(query["year"]) if "year" in query else None, None)]


def _release_cells(total: releases.ReleaseTotal) -> list[object]:
    coverage = total.coverage
    return [
        total.year, total.region.name if total.region else _("Republic of Kazakhstan"), total.iso_code,
        total.substance.local_name, total.substance.cas, total.medium_label, total.kg_per_year, releases.UNIT,
        total.enterprises, coverage.expected or None, coverage.accepted if coverage.expected else None,
        coverage.share, (_("yes") if coverage.provisional else _("no")) if coverage.expected else None,
    ]  # fmt: skip


@cached_page(parameters={**RELEASE_FILTERS, "format": DOWNLOAD}, depends=_release_page_shows)
def release_statistics(request: HttpRequest) -> HttpResponse:
    """The published releases of pollutants of a year (the newest by default): national totals by pollutant and
    medium, the regions' totals, and how many of the expected reports they cover; CSV and XLSX of what is shown."""
    years = releases.release_years()
    data = request.GET.copy()
    if not data.get("year") and years:
        data["year"] = str(years[0])
    filters = releases.ReleaseStatsFilterSet(data, queryset=ReleaseAggregate.objects.all())
    filters.form.fields["year"].widget = forms.Select(choices=[(year, year) for year in years])
    totals = releases.release_totals(filters) if filters.is_valid() else []
    if not filters.is_valid():
        decline(request)  # a refused filter: answered with its error, not kept
    download = request.GET.get("format")
    if download in {"csv", "xlsx"}:
        respond = csv_response if download == "csv" else xlsx_response
        return respond("qaldyq-releases", [str(name) for name in RELEASE_COLUMNS], map(_release_cells, totals))
    year = filters.form.cleaned_data.get("year") if filters.is_valid() else None
    context = {
        "filters": filters,
        "year": year,
        "national": [total for total in totals if total.region is None],
        "regional": [total for total in totals if total.region is not None],
        "coverage": releases.release_coverage(year=year).get((year, releases.NATIONAL)) if year else None,
        "coverage_by_region": releases.coverage_by_region(year) if year else [],
        "query": releases.query(data),
        "unit": releases.UNIT,
        "provisional_below": settings.STATISTICS_PROVISIONAL_BELOW_PERCENT,
    }
    return render(request, "reports/release_statistics.html", context)
