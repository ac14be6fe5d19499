"""Pages of monitoring: submitting results, following a file's processing, working alerts, the charts."""

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring import selectors, services
from monitoring.filters import AlertFilterSet
from monitoring.forms import (
    AlertUpdateForm,
    ComplianceYearForm,
    EnterpriseChoiceForm,
    ResultRowForm,
    ResultRowFormSet,
    UploadForm,
    row_choices,
)
from monitoring.ingest import COLUMNS
from monitoring.local_time import only_zone, point_zones, portal_zone, utc_offset
from monitoring.models import BASE_UNIT, Medium, MonitoringPoint, Pollutant, Result, Severity, Submission
from monitoring.windows import Window, WindowForm, local_today
from portal import cache_tags, outbox, values
from portal.exports import csv_stream, xlsx_response
from portal.middleware import HtmxRequest
from portal.page_cache import cached_page
from portal.permissions import Action, AnyUser, can, require
from registry.models import Deposit, Enterprise
from registry.releases.models import ReleaseReport
from registry.releases.register import sees_everything


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.SUBMIT)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submission_from_file(
                actor=request.user, enterprise=form.cleaned_data["enterprise"], upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("monitoring:submission", pk=submission.pk)
    return render(request, "monitoring/upload.html", {"form": form, "columns": COLUMNS})


def template_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="qaldyq-monitoring-results.csv"'
    writer = csv.writer(response)
    writer.writerow(COLUMNS)
    writer.writerow(["AIR-1", "Cu", "2024-05-01T10:00:00+05:00", "0.015", "mg/m3", "daily", "AAS", "Lab No. 1"])
    return response


@login_required
def manual(request: HttpRequest) -> HttpResponse:
    """A few results typed by hand: the same checks and evaluation as the API."""
    require(request.user, Action.SUBMIT)
    choice = EnterpriseChoiceForm(request.POST or None, user=request.user)
    zones = point_zones(choice.chosen())
    formset = ResultRowFormSet(
        request.POST or None, form_kwargs={"choices": row_choices(choice.chosen()), "zones": zones}
    )
    errors: list[str] = []
    read_as: list[str] = []
    if request.method == "POST" and choice.is_valid() and formset.is_valid():
        # Blank lines keep their place, so that an error names the line the user sees.
        rows = [form.cleaned_data for form in formset]
        read_as = _read_as(formset)
        try:
            submission = services.submission_create(
                actor=request.user, enterprise=choice.cleaned_data["enterprise"], rows=rows, channel="form"
            )
        except services.RowsInvalid as exc:
            errors = [str(error) for error in exc.errors]
        else:
            for line in read_as:
                messages.info(request, line)
            return redirect("monitoring:submission", pk=submission.pk)
    zone = only_zone(zones.values())
    context = {
        "choice": choice,
        "formset": formset,
        "errors": errors,
        "read_as": read_as,
        "zone": zone.key if zone else None,
        "offset_today": utc_offset(timezone.now().astimezone(zone)) if zone else None,
    }
    return render(request, "monitoring/manual.html", context, status=400 if errors else 200)


def _read_as(rows: Iterable[object]) -> list[str]:
    """How each time typed without an offset was read, for the filer to check: the point's local time, its zone and
    the offset of that date."""
    lines = []
    for number, form in enumerate(rows, start=1):
        assert isinstance(form, ResultRowForm)  # the formset's forms
        if form.read_as:
            local, zone = form.read_as
            lines.append(
                _("Row %(row)s: %(time)s, the local time of the point (%(zone)s, %(offset)s on that date).")
                % {"row": number, "time": f"{local:%Y-%m-%d %H:%M}", "zone": zone.key, "offset": utc_offset(local)}
            )
    return lines


@login_required
def submission_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.submissions(user=request.user), 50).get_page(request.GET.get("page"))
    counts = selectors.submissions_counts(list(page))
    # (submission, its counts) pairs: the template cannot look a dict up by a variable key.
    rows = [(item, counts[item.pk]) for item in page]
    return render(
        request,
        "monitoring/submission_list.html",
        {"page": page, "rows": rows, "may_submit": can(request.user, Action.SUBMIT)},
    )


@login_required
def submission(request: HtmxRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Submission.objects.restrict(request.user, Action.VIEW).select_related("enterprise"), pk=pk)
    context = {"submission": item, "counts": selectors.submission_counts(item)}
    template = "monitoring/_progress.html" if request.htmx else "monitoring/submission.html"
    return render(request, template, context)


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    filterset = AlertFilterSet(request.GET, queryset=selectors.alerts(user=request.user))
    alerts = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    others = outbox.unread(request.user).exclude(code="monitoring.alert")[:20]
    context = {
        "filter": filterset,
        "page": Paginator(selectors.alert_rows(alerts), 50).get_page(request.GET.get("page")),
        "query": request.GET.copy(),
        "new_alerts": selectors.unread_alerts(user=request.user),
        # Other messages on the site, written in the reader's language.
        "unread": [(message.link, outbox.render(message).subject) for message in others],
    }
    return render(request, "monitoring/alert_list.html", context)


@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(selectors.alerts(user=request.user), pk=pk)
    form = AlertUpdateForm(request.POST or None, alert=alert)
    if request.method == "POST" and form.is_valid():
        try:
            services.alert_update(
                actor=request.user,
                alert=alert,
                status=form.cleaned_data["status"] or None,
                comment=form.cleaned_data["comment"],
                assign_to=form.cleaned_data["assigned_to"],
                seen_results=form.cleaned_data["seen_results"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The alert was updated."))
            return redirect("monitoring:alert-detail", pk=pk)
    outbox.mark_read(user=request.user, key=services.alert_message_key(alert.pk))
    context = {
        "alert": alert,
        "form": form,
        "results": alert.results.select_related("norm").order_by("-sampled_at")[:200],
        "events": alert.events.select_related("actor"),
        "may_work": can(request.user, Action.WORK_ALERTS, alert),
    }
    return render(request, "monitoring/alert_detail.html", context)


def _matrix(request: HttpRequest, title: str, points: QuerySet[MonitoringPoint]) -> HttpResponse:
    # A status board: its period ends today (an open alert is shown whatever the period).
    form = WindowForm(request.GET, anchor=local_today())
    window = form.chosen()
    pollutants, point_list, cells = selectors.status_matrix(points, window, user=request.user)
    rows = [
        (pollutant, [(point, cells.get((point.pk, pollutant.pk))) for point in point_list]) for pollutant in pollutants
    ]
    context = {"title": title, "points": point_list, "rows": rows, "form": form, "window": window}
    return render(request, "monitoring/matrix.html", context, status=200 if form.is_valid() else 400)


@login_required
def enterprise_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    points = MonitoringPoint.objects.restrict(request.user, Action.VIEW).filter(enterprise=enterprise)
    return _matrix(request, str(enterprise), points)


@login_required
def deposit_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    deposit = get_object_or_404(Deposit.objects.restrict(request.user, Action.VIEW), pk=pk)
    points = MonitoringPoint.objects.restrict(request.user, Action.VIEW).filter(deposit=deposit)
    return _matrix(request, str(deposit), points)


def compliance(request: HttpRequest, pk: int) -> HttpResponse:
    """Source by substance, coloured by compliance with the permit's limits in a year (as ECHO's effluent charts),
    with the ratio in each cell: the enterprise's own view for its staff, its region's inspectors and
    administrators; for everyone else the published figures against the verified permits' limits."""
    enterprise = get_object_or_404(Enterprise, pk=pk)
    own_view = sees_everything(request.user, enterprise)
    reported = ReleaseReport.objects.filter(enterprise=enterprise, accepted__isnull=False)
    years = sorted(reported.values_list("year", flat=True))
    form = ComplianceYearForm(request.GET, years=years, default=years[-1] if years else values.this_year() - 1)
    year = form.chosen()
    matrix = selectors.compliance_matrix(enterprise, year, user=request.user, own_view=own_view)
    context = {"enterprise": enterprise, "form": form, "year": year, "own_view": own_view, "matrix": matrix}
    return render(request, "monitoring/compliance.html", context, status=200 if form.is_valid() else 400)


# The columns of the upload under its own names (so that a download, corrected, can be sent again: the upload
# reads its columns by those names and passes over the others), then what evaluation added, named in the reader's
# language like the columns of every other download.
EVALUATION_COLUMNS = (gettext_lazy("MPC"), gettext_lazy("MPC unit"), gettext_lazy("Ratio"), gettext_lazy("Severity"))


def _download_rows(
    results: Iterable[Result], point: MonitoringPoint, pollutant: Pollutant, severities: Mapping[int, str]
) -> Iterator[list[object]]:
    """Each result as a row (all of one point and pollutant, which are not read again per row); `severities`: the
    names of the severities, written in the reader's language before the rows are streamed."""
    for result in results:
        value = format(result.value.normalize(), "f")
        ratio = values.figure(result.ratio)
        yield [
            point.code,
            pollutant.code,
            timezone.localtime(result.sampled_at, portal_zone()).isoformat(),
            f"<{value}" if result.below_detection else value,
            result.unit,
            result.averaging,
            result.method,
            result.laboratory,
            format(result.norm.value.normalize(), "f") if result.norm else None,
            result.norm.unit if result.norm else None,
            None if ratio is None else Decimal(ratio),  # a number, written as the API writes a ratio
            severities[result.severity] if result.evaluated else None,
        ]


def _download(
    point: MonitoringPoint, pollutant: Pollutant, window: Window, kind: str, *, user: AnyUser
) -> HttpResponseBase:
    """The raw results of the chart's window: a CSV streamed as it is read, or an XLSX (built in memory: one point
    and pollutant holds well under a spreadsheet's million rows even hourly over a century)."""
    first = window.first.isoformat() if window.first else "start"
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", f"qaldyq-{point.code}-{pollutant.code}-{first}-{window.last.isoformat()}")
    # Written now, in the request's language: a CSV's rows are written after the view has returned.
    header = [*COLUMNS, *(str(name) for name in EVALUATION_COLUMNS)]
    severities = {int(severity): str(severity.label) for severity in Severity}
    results = selectors.raw_results(point, pollutant, window, user=user)
    respond = csv_stream if kind == "csv" else xlsx_response
    return respond(name, header, _download_rows(results, point, pollutant, severities))


@login_required
def point_chart(request: HttpRequest, pk: int, pollutant: str) -> HttpResponseBase:
    """A point's results of one pollutant in a window (by default the twelve months up to its newest result, so
    that a point that stopped reporting still shows its last year), with the download of the window's results."""
    point = get_object_or_404(
        MonitoringPoint.objects.restrict(request.user, Action.VIEW).select_related("enterprise"), pk=pk
    )
    substance = get_object_or_404(Pollutant, code=pollutant)
    form = WindowForm(request.GET, anchor=selectors.latest_day(point, substance, user=request.user) or local_today())
    window = form.chosen()
    if not form.is_valid():
        series = selectors.Series(daily=False, rows=[])
    elif request.GET.get("format") in {"csv", "xlsx"}:
        return _download(point, substance, window, request.GET["format"], user=request.user)
    else:
        series = selectors.series(point, substance, window, user=request.user)
    context = {
        "point": point,
        "pollutant": substance,
        "form": form,
        "window": window,
        "series": series.rows,
        "daily": series.daily,
        "base_unit": BASE_UNIT[Medium(point.medium)],
    }
    return render(request, "monitoring/chart.html", context, status=200 if form.is_valid() else 400)


@cached_page(depends=[cache_tags.POINTS])  # the points only: the rings and popups are read from the two below
def point_map(request: HttpRequest) -> HttpResponse:
    """Published monitoring points, for the public."""
    points = MonitoringPoint.objects.restrict(request.user, Action.VIEW)
    context = {"map_points": selectors.map_points(points), "map_settings": selectors.points_map_settings()}
    return render(request, "monitoring/point_map.html", context)


@cached_page(depends=[cache_tags.POINTS, cache_tags.POINT_STATES])
def point_states(request: HttpRequest) -> JsonResponse:
    """Each point's ring on the map (exceeding, within, none) by its id: a small answer, read again after every
    evaluated submission, while the map page stays cached."""
    points = MonitoringPoint.objects.restrict(request.user, Action.VIEW)
    return JsonResponse({str(pk): state for pk, state in selectors.point_states(points, user=request.user).items()})


@cached_page(depends=lambda kwargs, query: [cache_tags.point(kwargs["pk"])])
def point_latest(request: HttpRequest, pk: int) -> JsonResponse:
    """A point's popup: its latest result of each pollutant, which map.js writes in the reader's language and
    locale (a JSON answer: the strict CSP lets no script into an HTML fragment). An evaluated submission drops
    only its points' answers."""
    point = get_object_or_404(MonitoringPoint.objects.restrict(request.user, Action.VIEW), pk=pk)
    return JsonResponse(selectors.point_latest(point, user=request.user))
