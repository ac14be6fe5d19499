"""Reads of the verdicts for the pages and the API: a regime's verdicts, an enterprise's, and the hourly rate of a
verdict's channel around its regime (the chart: the baseline week, the window, and the days after).

A verdict is as visible as its source (public when the source is published, `VerdictQuerySet`), and its chart with
it: the hourly means of the channel's values are the figures the verdict rests on, so whoever reads the verdict
reads them, although the interval values themselves are the enterprise's and its inspectors' only."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, QuerySet
from django.db.models.functions import Trunc
from django.utils import timezone

from monitoring.emissions.models import EmissionValue
from monitoring.models import Alert
from monitoring.regimes.models import Regime, Verdict
from monitoring.regimes.verification import BASELINE
from portal.permissions import Action, AnyUser
from portal.values import figure
from registry.models import Enterprise

# The chart runs from the baseline's start to this long after the regime (or now, if sooner).
AFTER = datetime.timedelta(days=2)


def visible_verdicts(user: AnyUser) -> QuerySet[Verdict]:
    return Verdict.objects.restrict(user, Action.VIEW).select_related(
        "source__enterprise", "substance", "required_cut", "regime__city__region"
    )


def regime_verdicts(regime: Regime, *, user: AnyUser) -> QuerySet[Verdict]:
    """The regime's verdicts the user sees, by enterprise, source and substance."""
    return (
        visible_verdicts(user)
        .filter(regime=regime)
        .order_by("source__enterprise__name", "source__code", "substance__code")
    )


def enterprise_verdicts(enterprise: Enterprise, *, user: AnyUser) -> QuerySet[Verdict]:
    """The enterprise's verdicts the user sees, newest regime first."""
    return (
        visible_verdicts(user)
        .filter(source__enterprise=enterprise)
        .order_by("-regime__starts_at", "-regime__pk", "source__code", "substance__code")
    )


def verdict_series(verdict: Verdict) -> dict[str, Any]:
    """The hourly mean rate of the verdict's channel from the start of its baseline to two days after the regime
    (at most until now), with the window and both means, for the chart; figures as decimal strings."""
    regime = verdict.regime
    start, end = regime.starts_at - BASELINE, min(regime.ends_at + AFTER, timezone.now())
    rows = (
        EmissionValue.objects.filter(
            source_id=verdict.source_id,
            substance_id=verdict.substance_id,
            interval_start__gte=start,
            interval_start__lt=end,
        )
        .order_by()
        .annotate(hour=Trunc("interval_start", "hour", tzinfo=datetime.UTC))
        .values("hour")
        .annotate(mean=Avg("rate_gs"), count=Count("id"))
        .order_by("hour")
    )
    return {
        "starts_at": regime.starts_at.isoformat(),
        "ends_at": regime.ends_at.isoformat(),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "baseline_mean_gs": figure(verdict.baseline_mean_gs),
        "during_mean_gs": figure(verdict.during_mean_gs),
        "hours": [{"t": row["hour"].isoformat(), "v": figure(row["mean"]), "n": row["count"]} for row in rows],
    }


@dataclass(frozen=True)
class VerdictRow:
    """A verdict as a page shows it: with its alert's id when the reader may open the alert (an inspector of its
    region, an administrator), else None."""

    verdict: Verdict
    alert_id: int | None


def with_visible_alerts(rows: list[Verdict], *, user: AnyUser) -> list[VerdictRow]:
    """The verdicts with the alerts the user may read, in one query."""
    ids = {verdict.alert_id for verdict in rows if verdict.alert_id}
    visible = set(Alert.objects.restrict(user, Action.VIEW).filter(pk__in=ids).values_list("pk", flat=True))
    return [VerdictRow(verdict, verdict.alert_id if verdict.alert_id in visible else None) for verdict in rows]
