"""Pages of the public register of releases and transfers (an enterprise's facility page, its downloads, the map of
sources) and the inspectors' list of transfers whose sender and receiver disagree."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal import cache_tags
from portal.exports import Cell, csv_response, xlsx_response
from portal.page_cache import cached_page, decline, integer, one_of
from portal.permissions import Action, require
from portal.values import EARLIEST_YEAR, this_year
from registry.models import Enterprise
from registry.releases import reconciliation, register
from registry.selectors import map_settings

YEAR = integer(EARLIEST_YEAR, 2100)
PAGE_SIZE = 50


def _year(request: HttpRequest) -> int | None:
    """The `year` asked for; None when none is, or one the check refuses (the page then shows its default)."""
    raw = request.GET.get("year", "")
    if raw and YEAR(raw) and EARLIEST_YEAR <= int(raw) <= this_year():
        return int(raw)
    if raw:
        decline(request)
    return None


def _enterprise_shows(kwargs: Mapping[str, Any], query: Mapping[str, str]) -> Iterable[str]:
    return [cache_tags.enterprise(kwargs["pk"]), cache_tags.register(kwargs["pk"])]


@cached_page(parameters={"year": YEAR}, depends=_enterprise_shows)
def enterprise_register(request: HttpRequest, pk: int) -> HttpResponse:
    """An enterprise's releases over the years by medium and substance, a year's sources against the limits of its
    verified permit, and that year's transfers: what is published, and for its own staff and inspectors also what
    is below the thresholds (marked)."""
    enterprise = get_object_or_404(
        Enterprise.objects.restrict(request.user, Action.VIEW).select_related("region"), pk=pk
    )
    year = _year(request)
    shown = register.facility(enterprise, user=request.user, year=year)
    if year is not None and shown.year != year:
        decline(request)  # another year than asked for
    sources = register.published_sources().filter(enterprise=enterprise)
    context = {
        "facility": shown,
        "enterprise": enterprise,
        "map_points": register.source_map_points(sources),
        "map_settings": _map_settings(),
    }
    return render(request, "releases/register/enterprise.html", context)


def _map_settings() -> dict[str, object]:
    legend = [
        {"kind": "air", "label": pgettext("register", "source of emissions to air")},
        {"kind": "surface_water", "label": pgettext("register", "water outlet")},
    ]
    return map_settings(
        legend=legend, labels={"tonnage": pgettext("register", "Released in the latest published year")}
    )


@cached_page(depends=[cache_tags.SOURCES])
def source_map(request: HttpRequest) -> HttpResponse:
    """The published sources of emissions to air and the water outlets that verified permits limit."""
    points = register.source_map_points(register.published_sources())
    return render(request, "releases/register/source_map.html", {"map_points": points, "map_settings": _map_settings()})


TABLES = ("releases", "transfers")
FORMATS = ("csv", "xlsx")


@cached_page(
    parameters={"table": one_of(*TABLES), "format": one_of(*FORMATS)}, depends=_enterprise_shows
)  # fmt: skip
def enterprise_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An enterprise's published releases (kg/yr) or transfers (t) of every year, as CSV or XLSX; only what the
    public register shows, whoever asks."""
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, Action.VIEW), pk=pk)
    table, download = request.GET.get("table"), request.GET.get("format")
    if table not in TABLES or download not in FORMATS:
        raise Http404
    header, rows = (_release_rows if table == "releases" else _transfer_rows)(enterprise)
    respond = csv_response if download == "csv" else xlsx_response
    return respond(f"{table}-{enterprise.bin}", header, rows)


def _release_rows(enterprise: Enterprise) -> tuple[list[str], list[Sequence[Cell]]]:
    header = [
        _("Year"), _("Medium"), pgettext("register", "Substance"), _("CAS number"), _("Name"),
        pgettext("register", "Source"), pgettext("register", "Released"), _("Unit"), _("Method"),
    ]  # fmt: skip
    lines = (
        register.published_lines()
        .filter(version__report__enterprise=enterprise)
        .select_related("substance", "source", "version__report")
        .order_by("-version__report__year", "medium", "substance__code", "source__code")
    )
    unit = pgettext("register", "kg/yr")
    rows: list[Sequence[Cell]] = [
        [
            line.version.report.year,
            line.get_medium_display(),
            line.substance.code,
            line.substance.cas,
            line.substance.local_name,
            line.source.code if line.source else "",
            line.kg_per_year,
            unit,
            line.get_method_display(),
        ]
        for line in lines
    ]
    return header, rows


def _transfer_rows(enterprise: Enterprise) -> tuple[list[str], list[Sequence[Cell]]]:
    header = [
        _("Year"), _("Waste code"), _("Name"), _("Hazardous"), pgettext("register", "Operation"),
        pgettext("register", "BIN of the receiver"), pgettext("register", "Receiver"), pgettext("register", "Amount"),
        _("Unit"),
    ]  # fmt: skip
    transfers = (
        register.published_transfers()
        .filter(version__report__enterprise=enterprise)
        .select_related("waste_code", "counterpart", "version__report")
        .order_by("-version__report__year", "position")
    )
    unit = pgettext("unit", "t")
    rows: list[Sequence[Cell]] = [
        [
            line.version.report.year,
            line.waste_code.code,
            line.waste_code.name,
            _("yes") if line.hazardous else _("no"),
            line.operation,
            line.counterpart_bin,
            line.counterpart.local_name if line.counterpart else pgettext("register", "not in the register"),
            line.tonnes,
            unit,
        ]
        for line in transfers
    ]
    return header, rows


@login_required
def discrepancy_list(request: HttpRequest) -> HttpResponse:
    """Transfers whose sender and receiver report different tonnes, for the inspectors of either party's region."""
    require(request.user, Action.DECIDE)
    year = _year(request)
    found = reconciliation.discrepancies(user=request.user, year=year)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "year": year, "query": request.GET.copy()}
    return render(request, "releases/register/discrepancies.html", context)
