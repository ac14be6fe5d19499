"""Reads of monitoring that need more than `restrict`: submission counts, the status matrix, a result series."""

import datetime
import operator
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.core.cache import cache
from django.db.models import Avg, CharField, Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.translation import gettext as _

from monitoring.models import (
    OPEN_ALERT,
    Alert,
    AlertKind,
    Medium,
    MonitoringPoint,
    Pollutant,
    Result,
    Severity,
    Submission,
)
from monitoring.services import progress_key
from monitoring.windows import Window
from portal import outbox
from portal.permissions import Action, AnyUser
from registry.models import Enterprise
from registry.permits.models import EmissionSource, Substance
from registry.releases.compliance import ComplianceRow, compliance_rows
from registry.selectors import map_settings
from registry.templatetags.units import unit

# The aliases avoid clashing with Result's own field names (`evaluated`).
_COUNTS = {
    "n_results": Count("pk"),
    "n_evaluated": Count("pk", filter=Q(evaluated=True)),
    "n_without_norm": Count("pk", filter=Q(evaluated=True, norm__isnull=True)),
    "n_exceeding": Count("pk", filter=Q(severity__gte=Severity.EXCEEDANCE)),
    "n_high": Count("pk", filter=Q(severity=Severity.HIGH)),
    "n_extreme": Count("pk", filter=Q(severity=Severity.EXTREME)),
}


def _counts(aggregates: Mapping[str, Any], submission: Submission) -> dict[str, int]:
    counts = {name.removeprefix("n_"): aggregates.get(name, 0) for name in _COUNTS}
    counts["rows_read"] = cache.get(progress_key(submission.pk)) or submission.rows_done
    return counts


def submission_counts(submission: Submission) -> dict[str, int]:
    return _counts(Result.objects.filter(submission=submission).aggregate(**_COUNTS), submission)


def submissions_counts(submissions: list[Submission]) -> dict[int, dict[str, int]]:
    """submission_counts of a page of submissions, in one query."""
    rows = Result.objects.filter(submission__in=submissions).values("submission_id").annotate(**_COUNTS)
    by_submission = {row["submission_id"]: row for row in rows}
    return {submission.pk: _counts(by_submission.get(submission.pk, {}), submission) for submission in submissions}


def submissions(*, user: AnyUser) -> QuerySet[Submission]:
    """The submissions the user may see, newest first (the staff's list page and the API)."""
    return Submission.objects.restrict(user, Action.VIEW).select_related("enterprise").order_by("-received_at", "-pk")


def exceedances(*, user: AnyUser) -> QuerySet[Result]:
    return (
        Result.objects.restrict(user, Action.VIEW)
        .filter(severity__gt=Severity.NONE)
        .select_related("point", "pollutant", "norm")
        .order_by("-sampled_at", "-pk")
    )


def results(*, user: AnyUser) -> QuerySet[Result]:
    """Every evaluated result the user may see, exceeding or not, newest first."""
    return (
        Result.objects.restrict(user, Action.VIEW)
        .filter(evaluated=True)
        .select_related("point", "pollutant", "norm")
        .order_by("-sampled_at", "-pk")
    )


def alerts(*, user: AnyUser) -> QuerySet[Alert]:
    """The alerts of every kind the user may see, with what lists and pages show of them."""
    return Alert.objects.restrict(user, Action.VIEW).select_related(
        "enterprise__region", "point", "pollutant", "source", "substance", "assigned_to"
    )


def alert_rows(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """`alerts` as lists show them: with `max_ratio`, the highest multiple of the MPC among an exceedance's results
    (an over-limit alert's multiple of its limit is its `ratio`)."""
    highest = Result.objects.filter(alert=OuterRef("pk")).order_by().values("alert").annotate(top=Max("ratio"))
    return alerts.annotate(max_ratio=Subquery(highest.values("top")))


def unread_alerts(*, user: AnyUser, limit: int = 20) -> list[Alert]:
    """The alerts `user` was told of on the site and has not opened yet (the alert list's "New for you")."""
    key = Concat(Value("alert:"), Cast(OuterRef("pk"), CharField()), Value(f":{user.pk}"))
    unread = outbox.unread(user).filter(code="monitoring.alert", dedupe_key=key)
    return list(alert_rows(alerts(user=user).filter(Exists(unread))).order_by("-severity", "-last_sampled_at")[:limit])


@dataclass(frozen=True)
class MatrixCell:
    status: str  # "alert", "exceeded", "ok", "" (no results)
    severity: int
    count: int
    alert_id: int | None


Matrix = tuple[list[Pollutant], list[MonitoringPoint], dict[tuple[int, int], MatrixCell]]


def status_matrix(points: QuerySet[MonitoringPoint], window: Window, *, user: AnyUser) -> Matrix:
    """Pollutant x point, coloured by status (as ECHO's effluent charts), over the results of the window: one query
    for results, one for alerts. An open alert is today's state: its cell shows it even without results in the
    window (counted 0).

    Points may be public; their results and alerts are only for those who may see the enterprise's submissions.
    """
    point_list = list(points.order_by("code"))
    summary = (
        window.filter(Result.objects.restrict(user, Action.VIEW).filter(_of_points(point_list)))
        .order_by()
        .values("point_id", "pollutant_id")
        .annotate(count=Count("pk"), worst=Max("severity"))
    )
    open_alerts = {
        (a.point_id, a.pollutant_id): a
        for a in Alert.objects.restrict(user, Action.VIEW).filter(point__in=point_list, status__in=OPEN_ALERT)
    }
    counted = {(row["point_id"], row["pollutant_id"]): (row["count"], row["worst"]) for row in summary}
    cells = {}
    for key in counted.keys() | open_alerts.keys():
        count, worst = counted.get(key, (0, Severity.NONE))
        alert = open_alerts.get(key)
        status = "alert" if alert else ("exceeded" if worst > Severity.NONE else "ok")
        worst = max(worst, alert.severity if alert else 0)
        cells[key] = MatrixCell(status, worst, count, alert.pk if alert else None)
    pollutants = list(Pollutant.objects.filter(pk__in={key[1] for key in cells}).order_by("code"))
    return pollutants, point_list, cells


def _of_points(points: list[MonitoringPoint]) -> Q:
    """The results of these points, by their enterprises too: the results' unique index leads with the enterprise,
    then the point."""
    return Q(enterprise_id__in={point.enterprise_id for point in points}, point__in=points)


def _point_results(point: MonitoringPoint, pollutant: Pollutant, *, user: AnyUser) -> QuerySet[Result]:
    return Result.objects.restrict(user, Action.VIEW).filter(_of_points([point]), pollutant=pollutant)


def latest_day(point: MonitoringPoint, pollutant: Pollutant, *, user: AnyUser) -> datetime.date | None:
    """The local day of the newest result of a point and pollutant the user may see (the end of its chart's
    default window): one backward step on the index that leads with enterprise, point, pollutant and sampling time."""
    latest = _point_results(point, pollutant, user=user).order_by("-sampled_at").values_list("sampled_on")[:1]
    return next((day for (day,) in latest), None)


# A chart draws each result up to this many in its window; beyond, each day's minimum, mean and maximum.
RAW_POINTS = 2000


@dataclass(frozen=True)
class Series:
    daily: bool  # rows of days ({"t": day, "low", "mean", "high", "mpc", "severity", "n"}), else of results
    rows: list[dict[str, Any]]


def series(point: MonitoringPoint, pollutant: Pollutant, window: Window, *, user: AnyUser) -> Series:
    """The results of a point and pollutant in the window that the user may see, for the chart with the MPC line:
    each result while there are at most RAW_POINTS, else per local day (`sampled_on`) the minimum, mean and maximum
    of the values, the highest MPC and severity and the number of results, computed by the database. Either way
    the page carries at most a few thousand rows, however long the history."""
    results = window.filter(_point_results(point, pollutant, user=user))
    if results.order_by()[: RAW_POINTS + 1].count() <= RAW_POINTS:
        rows = results.order_by("sampled_at").values_list("sampled_at", "value_base", "mpc_base", "severity")
        return Series(False, [{"t": t.isoformat(), "v": v, "mpc": mpc, "severity": s} for t, v, mpc, s in rows])
    days = (
        results.order_by("sampled_on")
        .values("sampled_on")
        .annotate(
            low=Min("value_base"),
            mean=Avg("value_base"),
            high=Max("value_base"),
            mpc=Max("mpc_base"),
            worst=Max("severity"),
            n=Count("pk"),
        )
    )
    return Series(
        True,
        [
            {
                "t": day["sampled_on"].isoformat(),
                "low": day["low"],
                "mean": day["mean"],
                "high": day["high"],
                "mpc": day["mpc"],
                "severity": day["worst"],
                "n": day["n"],
            }
            for day in days
        ],
    )


def raw_results(point: MonitoringPoint, pollutant: Pollutant, window: Window, *, user: AnyUser) -> Iterator[Result]:
    """Every result of the window, oldest first, read in chunks (a server-side cursor on PostgreSQL) so that a
    download of years of hourly data streams without holding them all."""
    results = window.filter(_point_results(point, pollutant, user=user)).order_by("sampled_at", "pk")
    return results.select_related("norm").iterator(chunk_size=2000)


# A popup lists a point's latest result of each pollutant, the worst first, up to this many.
POPUP_RESULTS = 5


def map_points(points: QuerySet[MonitoringPoint]) -> list[dict[str, Any]]:
    """Points as the map draws them (one query), without their results: the map page then changes only with the
    points, and each popup fetches its point's latest results (`point_latest`), the rings their states
    (`point_states`), each cached under a tag that an evaluated submission bumps (docs/architecture.md, "Cache")."""
    return [
        {
            "pk": point.pk,
            "name": f"{point.code} · {point.get_medium_display()}",
            "lat": float(point.latitude),
            "lon": float(point.longitude),
            "kind": point.medium,
            "operator": point.enterprise.local_name,
            "latest": reverse("monitoring:point-latest", args=[point.pk]),
        }
        for point in points.select_related("enterprise").order_by("code", "pk")
    ]


def _newest(results: QuerySet[Result], *, enterprise: Any, point: Any) -> QuerySet[Result]:
    """The newest of `results` of a point (given with its enterprise, as values or outer references) and of the
    pollutant the outer query names: one step backwards on the index that leads with enterprise, point, pollutant
    and sampling time, in the newest month's partition first. Subqueries rather than DISTINCT ON, which SQLite
    lacks and which would read every result of the point."""
    newest = results.filter(enterprise_id=enterprise, point=point, pollutant=OuterRef("pk"))
    return newest.order_by("-sampled_at", "-id")


def point_latest(point: MonitoringPoint, *, user: AnyUser) -> dict[str, Any]:
    """A point's popup: the latest result the user may see of each pollutant (value, unit, ratio to the MPC, date,
    link to its chart), the worst first, and the link of the point's name (the chart of the worst). Two queries: the
    newest (time, id) of each pollutant, then those rows."""
    newest = _newest(Result.objects.restrict(user, Action.VIEW), enterprise=point.enterprise_id, point=point)
    found = (
        Pollutant.objects.order_by()
        .annotate(at=Subquery(newest.values("sampled_at")[:1]), newest_id=Subquery(newest.values("id")[:1]))
        .values_list("pk", "at", "newest_id")
    )
    # Each by its sampling time too, so that only the partitions of those months are read.
    wanted = [Q(pollutant_id=pk, sampled_at=at, id=newest_id) for pk, at, newest_id in found if at is not None]
    rows = (
        Result.objects.filter(reduce(operator.or_, wanted), enterprise_id=point.enterprise_id, point=point)
        .order_by()
        .select_related("pollutant")
        if wanted
        else Result.objects.none()
    )
    results = [
        {
            "pollutant": row.pollutant.code,
            "name": row.pollutant.name,
            "value": float(row.value),
            "below_detection": row.below_detection,
            "unit": unit(row.unit),
            "ratio": row.ratio,
            "exceeds": row.severity > Severity.NONE,
            "date": row.sampled_on.isoformat(),
            "chart": reverse("monitoring:point-chart", args=[point.pk, row.pollutant.code]),
        }
        for row in sorted(rows, key=lambda row: (-(row.ratio or 0), row.pollutant.code))[:POPUP_RESULTS]
    ]
    return {"url": results[0]["chart"] if results else None, "results": results}


def point_states(points: QuerySet[MonitoringPoint], *, user: AnyUser) -> dict[int, str]:
    """Each point's ring (one query): "exceeding" when the latest result the user may see of one of its pollutants
    exceeds its MPC (has a severity), "within" when none does, "none" without results."""
    results = Result.objects.restrict(user, Action.VIEW)
    # Per point (the outer query's outer reference) and pollutant.
    newest = _newest(results, enterprise=OuterRef(OuterRef("enterprise_id")), point=OuterRef(OuterRef("pk")))
    exceeding = Pollutant.objects.annotate(severity=Subquery(newest.values("severity")[:1])).filter(
        severity__gt=Severity.NONE
    )
    states = points.order_by().annotate(
        exceeding=Exists(exceeding),
        measured=Exists(results.filter(enterprise_id=OuterRef("enterprise_id"), point=OuterRef("pk"))),
    )
    return {
        pk: "exceeding" if exceeding else ("within" if measured else "none")
        for pk, exceeding, measured in states.values_list("pk", "exceeding", "measured")
    }


def points_map_settings() -> dict[str, object]:
    """The point map's settings: colours by medium, rings by state (read from `ring_states`), the popups' texts."""
    settings = map_settings(
        legend=[{"kind": medium, "label": str(label)} for medium, label in Medium.choices],
        states=[
            {"state": "exceeding", "label": _("latest result exceeds an MPC")},
            {"state": "within", "label": _("latest results within the MPCs")},
            {"state": "none", "label": _("no results shown")},
        ],
        labels={
            "mpc": _("MPC"),  # after the ratio and a multiplication sign
            "below": _("below the detection limit"),
            "latest": _("Latest results"),
            "none": _("No results shown."),
            "loading": _("Loading the latest results…"),
            "failed": _("The latest results could not be loaded."),
        },
    )
    return {**settings, "ring_states": reverse("monitoring:point-states")}


@dataclass(frozen=True)
class ComplianceCell:
    line: ComplianceRow
    alert_id: int | None  # the open over-limit alert of the source, substance and year the user may see


@dataclass(frozen=True)
class ComplianceMatrix:
    substances: list[Substance]  # the columns
    rows: list[tuple[EmissionSource, list[ComplianceCell | None]]]  # a source and its cell of each substance
    cells: list[ComplianceCell]  # the same, one per source and substance, by source (the table under the matrix)


def compliance_matrix(enterprise: Enterprise, year: int, *, user: AnyUser, own_view: bool) -> ComplianceMatrix:
    """The enterprise's sources by substances in `year` (registry.releases.compliance): every figure in its own
    view, the published ones otherwise; with the open over-limit alerts the user may see."""
    lines = compliance_rows(enterprise, year, published_only=not own_view)
    open_alerts = Alert.objects.restrict(user, Action.VIEW).filter(
        kind=AlertKind.OVER_LIMIT, enterprise=enterprise, year=year, status__in=OPEN_ALERT
    )
    alerts = {(a.source_id, a.substance_id): a.pk for a in open_alerts.only("pk", "source_id", "substance_id")}
    cells = [ComplianceCell(line, alerts.get((line.source.pk, line.substance.pk))) for line in lines]
    substances = sorted({cell.line.substance for cell in cells}, key=lambda substance: substance.code)
    by_source: dict[EmissionSource, dict[Substance, ComplianceCell]] = {}
    for cell in cells:
        by_source.setdefault(cell.line.source, {})[cell.line.substance] = cell
    return ComplianceMatrix(
        substances=substances,
        rows=[(source, [by.get(substance) for substance in substances]) for source, by in by_source.items()],
        cells=cells,
    )
