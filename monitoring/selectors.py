"""Reads of monitoring that need more than `restrict`: submission counts, the status matrix, a result series."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import CharField, Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.translation import gettext as _

from monitoring.models import OPEN_ALERT, Alert, Medium, MonitoringPoint, Pollutant, Result, Severity, Submission
from monitoring.services import progress_key
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


def status_matrix(points: QuerySet[MonitoringPoint], *, user: AnyUser) -> Matrix:
    """Pollutant x point, coloured by status (as ECHO's effluent charts): one query for results, one for alerts.

    Points may be public; their results and alerts are only for those who may see the enterprise's submissions.
    """
    point_list = list(points.order_by("code"))
    summary = (
        Result.objects.restrict(user, Action.VIEW)
        .filter(point__in=point_list)
        .values("point_id", "pollutant_id")
        .annotate(count=Count("pk"), worst=Max("severity"))
    )
    open_alerts = {
        (a.point_id, a.pollutant_id): a
        for a in Alert.objects.restrict(user, Action.VIEW).filter(point__in=point_list, status__in=OPEN_ALERT)
    }
    cells = {}
    for row in summary:
        key = (row["point_id"], row["pollutant_id"])
        alert = open_alerts.get(key)
        status = "alert" if alert else ("exceeded" if row["worst"] > Severity.NONE else "ok")
        worst = max(row["worst"], alert.severity if alert else 0)
        cells[key] = MatrixCell(status, worst, row["count"], alert.pk if alert else None)
    pollutants = list(Pollutant.objects.filter(pk__in={key[1] for key in cells}).order_by("code"))
    return pollutants, point_list, cells


def series(point: MonitoringPoint, pollutant: Pollutant, *, user: AnyUser) -> list[dict[str, Any]]:
    """The results of a point and pollutant that the user may see, for the chart with the MPC line."""
    rows = Result.objects.restrict(user, Action.VIEW).filter(point=point, pollutant=pollutant).order_by("sampled_at")
    return [
        {
            "t": row["sampled_at"].isoformat(),
            "v": row["value_base"],
            "mpc": row["mpc_base"],
            "severity": row["severity"],
        }
        for row in rows.values("sampled_at", "value_base", "mpc_base", "severity")
    ]


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
