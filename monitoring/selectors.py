"""Reads of monitoring that need more than `restrict`: submission counts, the status matrix, a result series."""

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Avg, CharField, Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.translation import gettext as _

from monitoring.models import OPEN_ALERT, Alert, Medium, MonitoringPoint, Pollutant, Result, Severity, Submission
from monitoring.services import progress_key
from monitoring.windows import Window
from portal import outbox
from portal.permissions import Action, AnyUser
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
    return Alert.objects.restrict(user, Action.VIEW).select_related(
        "point__enterprise__region", "pollutant", "assigned_to"
    )


def alert_rows(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """`alerts` as lists show them: with `max_ratio`, the highest multiple of the MPC among their results."""
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
        window.filter(Result.objects.restrict(user, Action.VIEW).filter(point__in=point_list))
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


def _point_results(point: MonitoringPoint, pollutant: Pollutant, *, user: AnyUser) -> QuerySet[Result]:
    return Result.objects.restrict(user, Action.VIEW).filter(point=point, pollutant=pollutant)


def latest_day(point: MonitoringPoint, pollutant: Pollutant, *, user: AnyUser) -> datetime.date | None:
    """The local day of the newest result of a point and pollutant the user may see (the end of its chart's
    default window): one backward step on the index that leads with point, pollutant and sampling time."""
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


def map_points(points: QuerySet[MonitoringPoint], *, user: AnyUser) -> list[dict[str, Any]]:
    """Points as the map draws them, each with the latest result of each pollutant the user may see (two queries):
    its state is "exceeding" when one of those exceeds its MPC (has a severity), "within" when none does, "none"
    without results."""
    point_list = list(points.select_related("enterprise").order_by("code", "pk"))
    latest: dict[int, list[dict[str, Any]]] = {}
    rows = (
        Result.objects.restrict(user, Action.VIEW)
        .filter(point__in=point_list)
        .order_by("point_id", "pollutant_id", "-sampled_at")
        .distinct("point_id", "pollutant_id")
        .select_related("pollutant")
    )
    for row in rows:
        latest.setdefault(row.point_id, []).append(
            {
                "pollutant": row.pollutant.code,
                "name": row.pollutant.name,
                "value": float(row.value),
                "below_detection": row.below_detection,
                "unit": unit(row.unit),
                "ratio": row.ratio,
                "exceeds": row.severity > Severity.NONE,
                "date": row.sampled_on.isoformat(),
                "chart": reverse("monitoring:point-chart", args=[row.point_id, row.pollutant.code]),
            }
        )
    shown = []
    for point in point_list:
        results = sorted(latest.get(point.pk, []), key=lambda r: (-(r["ratio"] or 0), r["pollutant"]))
        state = "none" if not results else ("exceeding" if any(r["exceeds"] for r in results) else "within")
        shown.append(
            {
                "url": results[0]["chart"] if results else None,
                "name": f"{point.code} · {point.get_medium_display()}",
                "lat": float(point.latitude),
                "lon": float(point.longitude),
                "kind": point.medium,
                "operator": point.enterprise.local_name,
                "state": state,
                "results": results[:POPUP_RESULTS],
            }
        )
    return shown


def points_map_settings() -> dict[str, object]:
    """The point map's settings: colours by medium, rings by state, the popups' texts."""
    return map_settings(
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
        },
    )
