"""Rates over the g/s limit: each source and substance with values above the limit of the permit in force (registry
permits' `limits_in_force`, EmissionLimit.grams_per_second) opens a RATE_OVER_LIMIT alert, or extends the open one,
in the transaction that stores the values, and the region's inspectors are told once through the outbox
(monitoring.services.alerts.notify_once). Both ways in (row by row, staged) sum their values up first and come
here with the sums, so the alerts are the same either way."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from monitoring.emissions.ingest import Gap, Pair
from monitoring.models import OPEN_ALERT, Alert, AlertKind
from monitoring.services.alerts import notify_once
from registry.models import Enterprise

GS_PLACES = Decimal("0.000001")  # as the alert's g/s figures hold them


@dataclass
class Exceeding:
    """A channel's values above its limit in one batch."""

    count: int
    peak: float
    latest: datetime.datetime
    permitted: float

    def add(self, other: "Exceeding") -> None:
        self.count += other.count
        self.peak = max(self.peak, other.peak)
        self.latest = max(self.latest, other.latest)
        self.permitted = other.permitted


@dataclass
class Outcome:
    """What a batch stored, for its submission: values received, above their limit, gaps, span."""

    received: int = 0
    over_limit: int = 0
    gaps: list[Gap] = field(default_factory=list)
    first: datetime.datetime | None = None
    last: datetime.datetime | None = None
    years: set[int] = field(default_factory=set)

    def widen(self, first: datetime.datetime, last: datetime.datetime) -> None:
        self.first = min(first, self.first or first)
        self.last = max(last, self.last or last)


def _gs(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(GS_PLACES)


def open_or_extend(*, enterprise_id: int, exceeding: dict[Pair, Exceeding], outcome: Outcome) -> dict[Pair, int]:
    """The open RATE_OVER_LIMIT alert of each exceeding source and substance, opened or extended (count, highest
    rate, latest interval, the limit); returns their ids. The open ones are held until the caller commits: a second
    batch extending them waits, and an inspector closing one waits rather than closing it under values it never
    saw."""
    if not exceeding:
        return {}
    outcome.over_limit += sum(sums.count for sums in exceeding.values())
    # Two batches of the enterprise would otherwise both find no open alert of a pair and both open one, the second
    # failing on `alert_one_open_rate_over_limit`: they take turns from here, on the enterprise's row (a lock that
    # the values' foreign keys, which take a key share, do not wait for).
    list(Enterprise.objects.filter(pk=enterprise_id).select_for_update(no_key=True).values_list("pk"))
    held = {
        (alert.source_id, alert.substance_id): alert
        for alert in Alert.objects.filter(
            kind=AlertKind.RATE_OVER_LIMIT,
            enterprise_id=enterprise_id,
            status__in=OPEN_ALERT,
            source_id__in={source for source, _ in exceeding},
            substance_id__in={substance for _, substance in exceeding},
        )
        .order_by("pk")
        .select_for_update(no_key=True)
        if (alert.source_id, alert.substance_id) in exceeding
    }
    extended = []
    for pair, sums in exceeding.items():
        if (alert := held.get(pair)) is None:
            continue
        alert.result_count += sums.count
        alert.peak_gs = max(alert.peak_gs or Decimal(0), _gs(sums.peak))
        alert.last_sampled_at = max(alert.last_sampled_at or sums.latest, sums.latest)
        alert.permitted_gs = _gs(sums.permitted)
        extended.append(alert)
    Alert.objects.bulk_update(extended, ["result_count", "peak_gs", "last_sampled_at", "permitted_gs"])
    opened = Alert.objects.bulk_create(
        [
            Alert(
                kind=AlertKind.RATE_OVER_LIMIT,
                enterprise_id=enterprise_id,
                source_id=source,
                substance_id=substance,
                permitted_gs=_gs(sums.permitted),
                peak_gs=_gs(sums.peak),
                result_count=sums.count,
                last_sampled_at=sums.latest,
            )
            for (source, substance), sums in sorted(exceeding.items())
            if (source, substance) not in held
        ]
    )
    if opened:
        notify_once(Alert.objects.filter(pk__in=[alert.pk for alert in opened]))
    return {**{pair: alert.pk for pair, alert in held.items()}, **{(a.source_id, a.substance_id): a.pk for a in opened}}
