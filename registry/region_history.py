"""Where enterprises and deposits were over time: their dated region assignments.

An owner's (an enterprise's or a deposit's) periods cover all time without gaps or overlaps: the first is open at
the start, the last open at the end, each begins the day after the one before ends. The statistics of a year use
the period that holds its 31 December; `Enterprise.region` and `Deposit.region` are the period that holds today.

Only this module writes periods: `follow` on every save of an owner (a new one gets the history of its region by the
recorded splits; a changed region takes effect today), `paint` (one span of time in one region), `apply_split`.
Each works under a lock of the owner's periods (on PostgreSQL; SQLite runs one writer at a time) and computes the
new periods from the old ones, so none overlap; on PostgreSQL an exclusion constraint refuses overlaps as well.
The services decide who may ask for them.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from registry.geo import Outline, region_outline
from registry.models import (
    Deposit,
    DepositRegionPeriod,
    Enterprise,
    EnterpriseRegionPeriod,
    Region,
    RegionPeriod,
    RegionPeriodFilters,
    RegionSplit,
)
from registry.signals import enterprise_regions_changed

ONE_DAY = datetime.timedelta(days=1)
# Open ends, as comparable dates.
START, END = datetime.date.min, datetime.date.max

Owner = Enterprise | Deposit
PeriodModel = type[EnterpriseRegionPeriod] | type[DepositRegionPeriod]


def year_end(year: int) -> datetime.date:
    """The day whose regions a year's statistics use."""
    return datetime.date(year, 12, 31)


def period_model(owner: Owner) -> PeriodModel:
    return EnterpriseRegionPeriod if isinstance(owner, Enterprise) else DepositRegionPeriod


def periods_of(owner: Owner) -> RegionPeriodFilters:
    model = period_model(owner)
    return model.objects.filter(**{model.owner_field: owner})


def enterprise_region_on(*, enterprise_id: int, day: datetime.date) -> int:
    """The region an enterprise was in on `day` (its region today if its periods say nothing, which they always
    do)."""
    periods = EnterpriseRegionPeriod.objects.filter(enterprise_id=enterprise_id).covering(day)
    region_id = periods.values_list("region_id", flat=True).first()
    if region_id is None:
        region_id = Enterprise.objects.values_list("region_id", flat=True).get(pk=enterprise_id)
    return region_id


def lineage(region: Region) -> list[tuple[Region, datetime.date | None, datetime.date | None]]:
    """The regions a place now in `region` lay in over time, by the recorded splits: for Abai (formed out of East
    Kazakhstan on 8 June 2022), East Kazakhstan until 7 June 2022 and Abai from 8 June 2022."""
    spans: list[tuple[Region, datetime.date | None, datetime.date | None]] = []
    end: datetime.date | None = None
    while True:
        split = RegionSplit.objects.select_related("parent").filter(region=region).first()
        start = split.date if split is not None and (end is None or split.date <= end) else None
        spans.append((region, start, end))
        if split is None or start is None:
            return spans[::-1]
        region, end = split.parent, start - ONE_DAY


def follow(sender: type[Owner], instance: Owner, created: bool, update_fields: Any, raw: bool, **kwargs: Any) -> None:
    """Keep an owner's periods in step with its region, whatever saved it (a service, a form, the admin, a loader):
    connected to post_save of Enterprise and Deposit (registry.apps)."""
    if raw or (update_fields is not None and "region" not in update_fields):
        return
    model = period_model(instance)
    if not created:
        today = timezone.localdate()
        current = periods_of(instance).covering(today).values_list("region_id", flat=True).first()
        if current == instance.region_id:
            return
        if current is not None or periods_of(instance).exists():
            paint(instance, region=instance.region, start=today, end=None)
            return
    model.objects.bulk_create(
        [
            model(**{model.owner_field: instance}, region=region, valid_from=start, valid_to=end)
            for region, start, end in lineage(instance.region)
        ]
    )


@dataclass
class _Piece:
    row: RegionPeriod | None  # the row that will hold it; None: a new row
    region_id: int
    start: datetime.date
    end: datetime.date
    awaiting_id: int | None = None

    def follows(self, other: "_Piece") -> bool:
        """Does it continue `other` in the same region, both settled, so that the two are one period?"""
        return (
            other.region_id == self.region_id
            and other.awaiting_id is None
            and self.awaiting_id is None
            and other.end < END
            and other.end + ONE_DAY == self.start
        )


@transaction.atomic
def paint(owner: Owner, *, region: Region, start: datetime.date | None, end: datetime.date | None) -> bool:
    """Put `owner` in `region` from `start` to `end` (days included; None is open): the periods there are trimmed,
    split or removed, and neighbours in the same region merged. A period this touches is settled (no longer
    awaiting a split's decision). Returns whether anything changed."""
    low, high = start or START, end or END
    if low > high:
        raise ValueError(f"An empty span: {start} to {end}.")
    model = period_model(owner)
    rows = list(periods_of(owner).select_for_update())
    pieces, regions_before = [], set()
    for row in rows:
        first, last = row.valid_from or START, row.valid_to or END
        if last < low or first > high:
            pieces.append(_Piece(row, row.region_id, first, last, row.awaiting_split_id))
            continue
        regions_before.add(row.region_id)
        if first < low:
            pieces.append(_Piece(row, row.region_id, first, low - ONE_DAY))
        if last > high:
            pieces.append(_Piece(row, row.region_id, high + ONE_DAY, last))
    pieces.append(_Piece(None, region.pk, low, high))
    pieces.sort(key=lambda piece: piece.start)
    merged: list[_Piece] = []
    for piece in pieces:
        if merged and piece.follows(merged[-1]):
            merged[-1].end = piece.end
            merged[-1].row = merged[-1].row or piece.row
        else:
            merged.append(piece)
    if not _write(model, owner, rows, merged):
        return False
    today = timezone.localdate()
    current = next(piece.region_id for piece in merged if piece.start <= today <= piece.end)
    if owner.region_id != current:
        owner.region_id = current
        owner.save(update_fields=["region"])
    if isinstance(owner, Enterprise):
        regions = sorted(regions_before | {region.pk})
        enterprise_id = owner.pk
        # In the transaction: the statistics' dirty marks commit with the change (reports.aggregates).
        enterprise_regions_changed.send(
            sender=EnterpriseRegionPeriod,
            enterprise_id=enterprise_id,
            region_ids=regions,
            valid_from=start,
            valid_to=end,
        )
    return True


def _write(model: PeriodModel, owner: Owner, rows: list[RegionPeriod], pieces: list[_Piece]) -> bool:
    """Turn `rows` into `pieces`: delete, then shrink, then grow, then create, so that no moment has two rows over
    one day (the constraints are checked at once, not at commit)."""
    used: set[int] = set()
    updates: list[tuple[_Piece, RegionPeriod]] = []
    creates: list[_Piece] = []
    for piece in pieces:
        row = piece.row if piece.row is not None and piece.row.pk not in used else None
        if row is None:
            creates.append(piece)
            continue
        used.add(row.pk)
        if (row.valid_from or START, row.valid_to or END, row.awaiting_split_id) != (
            piece.start,
            piece.end,
            piece.awaiting_id,
        ):
            updates.append((piece, row))
    doomed = [row for row in rows if row.pk not in used]
    if not (doomed or updates or creates):
        return False
    for row in doomed:
        row.delete()

    def grows(update: tuple[_Piece, RegionPeriod]) -> bool:
        piece, row = update
        return piece.start < (row.valid_from or START) or piece.end > (row.valid_to or END)

    for piece, row in sorted(updates, key=grows):
        row.valid_from, row.valid_to = _day(piece.start), _day(piece.end)
        row.awaiting_split_id = piece.awaiting_id
        row.save(update_fields=["valid_from", "valid_to", "awaiting_split"])
    for piece in creates:
        model.objects.create(
            **{model.owner_field: owner},
            region_id=piece.region_id,
            valid_from=_day(piece.start),
            valid_to=_day(piece.end),
            awaiting_split_id=piece.awaiting_id,
        )
    return True


def _day(value: datetime.date) -> datetime.date | None:
    return None if value in (START, END) else value


@dataclass
class SplitOutcome:
    split: RegionSplit
    moved: dict[str, int] = field(default_factory=lambda: {"enterprises": 0, "deposits": 0})
    awaiting: dict[str, int] = field(default_factory=lambda: {"enterprises": 0, "deposits": 0})


@transaction.atomic
def apply_split(split: RegionSplit, *, outline: Outline | None = None) -> SplitOutcome:
    """Apply a recorded split to the periods of enterprises and deposits.

    - What is in the new region from before its date was, until the day before, in the parent (the new region is
      carved out of it).
    - What is in the parent on the date: a deposit moves to the new region from that date when its location lies in
      the new region's outline (`outline`, else registry/data/outlines/<ISO code>.geojson) and stays when it lies
      outside; an enterprise (which has no location) follows its deposits that were in the parent that day when they
      all agree. Without an outline, or for an enterprise without such deposits or with deposits on both sides, the
      period is marked as awaiting an administrator's decision; it stays in the parent until then.
    """
    outline = outline or region_outline(split.region.iso_code)
    outcome = SplitOutcome(split)
    sides: dict[int, set[bool]] = {}  # enterprise id: whether its deposits in the parent lie inside the outline
    # Deposits first: enterprises follow them.
    for model, label in ((DepositRegionPeriod, "deposits"), (EnterpriseRegionPeriod, "enterprises")):
        owner = model.owner_field
        earlier = model.objects.filter(region=split.region).exclude(valid_from__gte=split.date).select_related(owner)
        for period in list(earlier):
            last = min(period.valid_to or END, split.date - ONE_DAY)
            paint(period.owner, region=split.parent, start=period.valid_from, end=last)
        that_day = model.objects.filter(region=split.parent).covering(split.date).exclude(valid_from=split.date)
        for period in list(that_day.select_related(owner)):
            inside = _inside(period.owner, outline, sides)
            if inside is None:
                period.awaiting_split = split
                period.save(update_fields=["awaiting_split"])
                outcome.awaiting[label] += 1
            elif inside:
                paint(period.owner, region=split.region, start=split.date, end=period.valid_to)
                outcome.moved[label] += 1
    return outcome


@transaction.atomic
def await_split_decision(owner: Owner, split: RegionSplit) -> bool:
    """Mark the owner's period in the split's parent on the split's date as awaiting an administrator's decision,
    as apply_split does for what no outline places (a deposit registered in a parent's outline that the outlines
    cannot tell from the split-off region). Returns whether a period was marked."""
    period = (
        periods_of(owner).select_for_update().filter(region=split.parent, awaiting_split__isnull=True)
        .covering(split.date).first()
    )  # fmt: skip
    if period is None:
        return False
    period.awaiting_split = split
    period.save(update_fields=["awaiting_split"])
    return True


def _inside(owner: Owner, outline: Outline | None, sides: dict[int, set[bool]]) -> bool | None:
    if outline is None:
        return None
    if isinstance(owner, Deposit):
        inside = outline.contains(latitude=float(owner.latitude), longitude=float(owner.longitude))
        sides.setdefault(owner.operator_id, set()).add(inside)
        return inside
    agreed = sides.get(owner.pk, set())
    return next(iter(agreed)) if len(agreed) == 1 else None
