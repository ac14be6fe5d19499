"""Verification of a regime: did each source with continuous data cut its emissions as the degree requires?

For a regime over a city and each channel (source x substance) of a source in the city (`selectors.sources_in`):

    achieved cut = 1 - mean(rate during [starts_at, ends_at)) / mean(rate in the baseline)

The baseline is the 7 days before `starts_at`, in the same local hours of day as the window (the city's region's
time zone: a regime from 18:00 to 06:00 compares with the nights before, not with the days), leaving out every
interval inside any regime of the same city (a week of regimes is no baseline). Each mean comes with the number of
intervals behind it. No value during the window, or none in the baseline (or a baseline mean of zero, which no cut
can be measured against): *not measured*, never a pass. Otherwise *passed* when the cut reaches the degree's
required cut in force at the regime's start (`selectors.required_cut_in_force`, the version recorded on the verdict
with its value), else *short*.

Both means of every channel come from one statement (`window_means`): a range read of the values' index, which leads
with (source, substance, interval_start), over [starts_at - 7 days, end): on PostgreSQL the planner prunes the
partitioned table to the months of that range, so a regime is verified in the same time whatever the years of
history stored (bench/bench_regime_verification.py shows the plans).

While a regime runs its verdicts are provisional (the window so far), recomputed hourly by beat; once it has ended
they are made final, once (`Verification` records it, with the window verified: a regime whose window is changed
afterwards is verified again). Final verdicts open alerts for the inspectors of the region: `cut_short` or
`not_measured`, one per kind, source, substance and window start (a run again updates their figures and tells
nobody twice), and send `signals.verdict_reached`. Provisional verdicts open no alert: the window's last intervals
are still arriving (a monitor sends each interval once it has ended), so an early "not measured" would be noise.

A verification holds its regime's row (SELECT ... FOR UPDATE) until it commits: two workers given the same regime
take turns, and the second finds the first's verdicts and updates them, so it is idempotent without a lease.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from monitoring.emissions.models import Channel, EmissionValue
from monitoring.models import Alert, AlertKind
from monitoring.regimes.models import (
    NotMeasuredReason,
    Regime,
    Verdict,
    VerdictStatus,
    Verification,
)
from monitoring.regimes.selectors import required_cut_in_force, sources_in
from monitoring.regimes.signals import verdict_reached
from monitoring.services.alerts import notify_once
from registry.permits.models import EmissionSource, Substance

BASELINE = datetime.timedelta(days=7)
HOUR = datetime.timedelta(hours=1)
ALL_HOURS = frozenset(range(24))
# The alert of each verdict that is not a pass.
ALERT_KINDS = {VerdictStatus.SHORT: AlertKind.CUT_SHORT, VerdictStatus.NOT_MEASURED: AlertKind.NOT_MEASURED}
# An alert keeps the achieved cut as a decimal of 6 places below 1,000 (a rate a thousand times the baseline's):
# the verdict keeps the exact figure, the alert its bound.
ALERT_CUT_PLACES = Decimal("0.000001")
ALERT_CUT_BOUND = Decimal("999.999999")

Pair = tuple[int, int]  # (source id, substance id): a channel
# What a verification (re)computes on a verdict.
VERDICT_FIGURES = [
    "during_mean_gs", "during_count", "baseline_mean_gs", "baseline_count", "achieved_cut", "required_cut",
    "required_value", "status", "reason", "final", "computed_at", "alert",
]  # fmt: skip
# Every verdict of a run in one INSERT ... ON CONFLICT DO UPDATE of VERDICT_FIGURES (a bulk_update's CASE per field
# and row costs seconds at 500), on PostgreSQL with the figures sent as one array per column: Django's bulk_create,
# a parameter per field and row (75,000 at 5,000 channels), costs more in Python than the statement does.
UPSERT_VERDICTS = """
INSERT INTO regimes_verdict (regime_id, required_cut_id, required_value, final, computed_at, source_id, substance_id,
    during_mean_gs, during_count, baseline_mean_gs, baseline_count, achieved_cut, status, reason, alert_id)
SELECT %(regime)s, %(required_cut)s, %(required_value)s, %(final)s, %(computed_at)s, v.*
FROM unnest(%(sources)s::bigint[], %(substances)s::bigint[], %(during_means)s::float8[], %(during_counts)s::int[],
    %(baseline_means)s::float8[], %(baseline_counts)s::int[], %(cuts)s::float8[], %(statuses)s::text[],
    %(reasons)s::text[], %(alerts)s::bigint[]) AS v
ON CONFLICT (regime_id, source_id, substance_id) DO UPDATE SET
    required_cut_id = EXCLUDED.required_cut_id, required_value = EXCLUDED.required_value, final = EXCLUDED.final,
    computed_at = EXCLUDED.computed_at, during_mean_gs = EXCLUDED.during_mean_gs,
    during_count = EXCLUDED.during_count, baseline_mean_gs = EXCLUDED.baseline_mean_gs,
    baseline_count = EXCLUDED.baseline_count, achieved_cut = EXCLUDED.achieved_cut, status = EXCLUDED.status,
    reason = EXCLUDED.reason, alert_id = EXCLUDED.alert_id
RETURNING source_id, substance_id, id
"""
# The array of each column of UPSERT_VERDICTS: the verdict's attribute.
UPSERT_ARRAYS = {
    "sources": "source_id", "substances": "substance_id", "during_means": "during_mean_gs",
    "during_counts": "during_count", "baseline_means": "baseline_mean_gs", "baseline_counts": "baseline_count",
    "cuts": "achieved_cut", "statuses": "status", "reasons": "reason", "alerts": "alert_id",
}  # fmt: skip


@dataclass(frozen=True)
class Means:
    """The mean rate (g/s) during the window and in its baseline, with the intervals behind each."""

    during_mean: float | None
    during_count: int
    baseline_mean: float | None
    baseline_count: int

    def judged(self, required: Decimal) -> tuple[str, str, float | None]:
        """(status, reason not measured, achieved cut) against the required cut (a fraction)."""
        if not self.during_count or self.during_mean is None:
            return VerdictStatus.NOT_MEASURED, NotMeasuredReason.NO_DATA_DURING, None
        if not self.baseline_count or not self.baseline_mean or self.baseline_mean <= 0:
            return VerdictStatus.NOT_MEASURED, NotMeasuredReason.NO_BASELINE, None
        achieved = 1 - self.during_mean / self.baseline_mean
        status = VerdictStatus.PASSED if achieved >= float(required) else VerdictStatus.SHORT
        return status, NotMeasuredReason.NONE, achieved


NOTHING = Means(None, 0, None, 0)


def local_hours(start: datetime.datetime, end: datetime.datetime, zone: ZoneInfo) -> frozenset[int]:
    """The local hours of day [start, end) touches: every hour from a day on. Kazakhstan's offsets are whole
    hours, so the hours are stepped in UTC and named in the local zone."""
    if end - start >= datetime.timedelta(days=1):
        return ALL_HOURS
    hours = set()
    moment = start.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)
    while moment < end:
        hours.add(moment.astimezone(zone).hour)
        moment += HOUR
    return frozenset(hours)


def window_means(
    *,
    pairs: Iterable[Pair],
    start: datetime.datetime,
    until: datetime.datetime,
    zone: ZoneInfo,
    hours: frozenset[int] = ALL_HOURS,
    excluded: Iterable[tuple[datetime.datetime, datetime.datetime]] = (),
) -> dict[Pair, Means]:
    """The means of every channel of `pairs` during [start, until) and in its baseline (the 7 days before `start`,
    in `hours` of the local day in `zone`, outside the `excluded` ranges), in one grouped statement over the range
    [start - 7 days, until) of the values' (source, substance, interval_start) index."""
    pairs = list(pairs)
    if not pairs:
        return {}
    during = Q(interval_start__gte=start)
    baseline = Q(interval_start__lt=start)
    if hours != ALL_HOURS:
        baseline &= Q(interval_start__hour__in=sorted(hours))
    for excluded_start, excluded_end in excluded:
        baseline &= ~Q(interval_start__gte=excluded_start, interval_start__lt=excluded_end)
    rows = (
        EmissionValue.objects.filter(
            source_id__in=sorted({source for source, _ in pairs}),
            substance_id__in=sorted({substance for _, substance in pairs}),
            interval_start__gte=start - BASELINE,
            interval_start__lt=until,
        )
        .order_by()
        .values("source_id", "substance_id")
        # Sums rather than avg(): the same figure (avg of float8 is its sum over its count, as divided below), without
        # the sum of squares avg() also accumulates for every value.
        .annotate(
            during_sum=Sum("rate_gs", filter=during),
            during_count=Count("id", filter=during),
            baseline_sum=Sum("rate_gs", filter=baseline),
            baseline_count=Count("id", filter=baseline),
        )
        # Tuples: 5,000 channels' rows as dicts cost more than the aggregate's last step.
        .values_list("source_id", "substance_id", "during_sum", "during_count", "baseline_sum", "baseline_count")
    )
    # The hour of an interval is read in the zone current when the statement is compiled: the city's.
    with timezone.override(zone):
        found = {
            (source, substance): Means(_mean(during, count), count, _mean(before, baseline_count), baseline_count)
            for source, substance, during, count, before, baseline_count in rows
        }
    return {pair: found.get(pair, NOTHING) for pair in pairs}


def _mean(total: float | None, count: int) -> float | None:
    """The mean of `count` rates summing to `total` (none without a rate: a sum over no rows is NULL)."""
    return None if total is None else total / count


def regime_channels(regime: Regime) -> QuerySet[Channel]:
    """The channels a regime judges: of the sources in its city, measuring since before the regime ended."""
    return Channel.objects.filter(source__in=sources_in(regime.city), since__lt=regime.ends_at)


def other_regimes(regime: Regime) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The windows of the city's other regimes that reach into the regime's baseline week."""
    others = Regime.objects.filter(
        city_id=regime.city_id, starts_at__lt=regime.starts_at, ends_at__gt=regime.starts_at - BASELINE
    ).exclude(pk=regime.pk)
    return list(others.order_by("starts_at").values_list("starts_at", "ends_at"))


def _alert_cut(achieved: float | None) -> Decimal | None:
    if achieved is None:
        return None
    cut = Decimal(repr(achieved)).quantize(ALERT_CUT_PLACES)
    return max(-ALERT_CUT_BOUND, min(ALERT_CUT_BOUND, cut))


@transaction.atomic
def regime_verify(*, regime_id: int, now: datetime.datetime | None = None) -> list[Verdict]:
    """Compute (or recompute) the verdicts of a regime that has begun: provisional while it runs, final once it has
    ended, with their alerts and `verdict_reached`; returns the verdicts, or none before the regime begins."""
    now = now or timezone.now()
    regime = Regime.objects.select_for_update(of=("self",)).select_related("city__region").get(pk=regime_id)
    if regime.starts_at > now:
        return []
    final = regime.ends_at <= now
    required = required_cut_in_force(degree=regime.degree, at=regime.starts_at)
    pairs = sorted(regime_channels(regime).values_list("source_id", "substance_id"))
    # Each source and substance loaded once, not once per channel, for the alerts (a source's enterprise) and the
    # listeners of `verdict_reached` (a message names the source and substance).
    sources = EmissionSource.objects.in_bulk({source for source, _ in pairs})
    substances = Substance.objects.in_bulk({substance for _, substance in pairs})
    means = window_means(
        pairs=pairs,
        start=regime.starts_at,
        until=min(regime.ends_at, now),
        zone=regime.city.region.zone,
        hours=local_hours(regime.starts_at, regime.ends_at, regime.city.region.zone),
        excluded=other_regimes(regime),
    )
    # (pk, final, alert) of each stored verdict: the alert of a verdict made provisional again (its regime's window
    # changed) is kept.
    stored = {
        (source, substance): rest
        for source, substance, *rest in regime.verdicts.order_by().values_list(
            "source_id", "substance_id", "pk", "final", "alert_id"
        )
    }
    # A source no longer in the city (or a channel removed) leaves no provisional verdict behind.
    kept = set(pairs)
    Verdict.objects.filter(
        pk__in=[pk for pair, (pk, was_final, _) in stored.items() if pair not in kept and not was_final]
    ).delete()
    verdicts = []
    for source, substance in pairs:
        figures = means[(source, substance)]
        status, reason, achieved = figures.judged(required.cut)
        _, _, alert_id = stored.get((source, substance), (None, None, None))
        verdicts.append(
            Verdict(
                regime=regime, source=sources[source], substance=substances[substance],
                during_mean_gs=figures.during_mean, during_count=figures.during_count,
                baseline_mean_gs=figures.baseline_mean, baseline_count=figures.baseline_count,
                achieved_cut=achieved, status=status, reason=reason, required_cut=required,
                required_value=required.cut, final=final, computed_at=now, alert_id=alert_id,
            )
        )  # fmt: skip
    if final:
        _alerts(regime, verdicts)
    _upsert(regime, verdicts)
    Verification.objects.update_or_create(
        regime=regime,
        defaults={"starts_at": regime.starts_at, "ends_at": regime.ends_at, "final": final, "verified_at": now},
    )
    if final and verdicts:
        verdict_reached.send(sender=Verdict, verdicts=verdicts)
    return verdicts


def _upsert(regime: Regime, verdicts: list[Verdict]) -> None:
    """Store the verdicts of a run (one required cut, finality and time for all), each given its primary key."""
    if not verdicts:
        return
    if connection.vendor != "postgresql":  # the embedded default, SQLite
        Verdict.objects.bulk_create(
            verdicts, update_conflicts=True, unique_fields=["regime", "source", "substance"],
            update_fields=VERDICT_FIGURES,
        )  # fmt: skip
        return
    first = verdicts[0]
    arrays = {name: [getattr(verdict, field) for verdict in verdicts] for name, field in UPSERT_ARRAYS.items()}
    with connection.cursor() as cursor:
        cursor.execute(
            UPSERT_VERDICTS,
            {
                "regime": regime.pk, "required_cut": first.required_cut_id, "required_value": first.required_value,
                "final": first.final, "computed_at": first.computed_at, **arrays,
            },
        )  # fmt: skip
        ids = {(source, substance): pk for source, substance, pk in cursor.fetchall()}
    for verdict in verdicts:
        verdict.pk = ids[(verdict.source_id, verdict.substance_id)]
        verdict._state.adding = False  # saved, as bulk_create leaves its objects


def _alerts(regime: Regime, verdicts: list[Verdict]) -> None:
    """The alerts of the regime's final verdicts: one of each kind per source, substance and window start, opened
    and told once, its figures updated when a run again changes them. An alert whose verdict has since passed (or
    changed kind) stays as it is, for the inspector to close on the record."""
    alerted = {v.source_id for v in verdicts if v.status in ALERT_KINDS}
    existing = {
        (alert.kind, alert.source_id, alert.substance_id): alert
        for alert in Alert.objects.filter(
            kind__in=list(ALERT_KINDS.values()), window_start=regime.starts_at, source_id__in=alerted
        ).select_for_update(no_key=True)
    } if alerted else {}  # fmt: skip
    opened, changed = [], []
    for verdict in verdicts:
        kind = ALERT_KINDS.get(VerdictStatus(verdict.status))
        if kind is None:
            verdict.alert = None
            continue
        figures = {
            "window_end": regime.ends_at,
            "achieved_cut": _alert_cut(verdict.achieved_cut) if kind == AlertKind.CUT_SHORT else None,
            "required_cut": verdict.required_value,
        }
        alert = existing.get((kind, verdict.source_id, verdict.substance_id))
        if alert is None:
            alert = Alert(
                kind=kind, enterprise_id=verdict.source.enterprise_id,
                source_id=verdict.source_id, substance_id=verdict.substance_id, window_start=regime.starts_at,
                **figures,
            )  # fmt: skip
            opened.append(alert)
        elif any(getattr(alert, name) != value for name, value in figures.items()):
            for name, value in figures.items():
                setattr(alert, name, value)
            changed.append(alert)
        verdict.alert = alert
    if changed:
        Alert.objects.bulk_update(changed, ["window_end", "achieved_cut", "required_cut"])
    if opened:
        Alert.objects.bulk_create(opened)
        # Each verdict takes its new alert's key (assigned before the alert had one).
        for verdict in verdicts:
            if verdict.alert is not None and verdict.alert_id is None:
                verdict.alert = verdict.alert
        notify_once(Alert.objects.filter(pk__in=[alert.pk for alert in opened]))


def regimes_due(now: datetime.datetime | None = None) -> QuerySet[Regime]:
    """The regimes the hourly beat verifies: those running (provisional verdicts), and those ended that have no
    final verification of their present window yet."""
    now = now or timezone.now()
    unverified = (
        Q(verification__isnull=True)
        | Q(verification__final=False)
        | ~Q(verification__starts_at=F("starts_at"))
        | ~Q(verification__ends_at=F("ends_at"))
    )
    return Regime.objects.filter(starts_at__lte=now).filter(Q(ends_at__gt=now) | unverified).order_by("pk")
