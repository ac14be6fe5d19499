"""Checking rows of interval values (API or file) before anything is saved: each row alone (source, substance,
channel, unit, value, flow, interval), then against the batch and the stored values (duplicates). Every problem is
reported with its row and field (monitoring.ingest.RowError); one bad row saves nothing. The same checks run as SQL
on a large file's fast path (monitoring.emissions.staging), which leaves any file with a bad row to this one."""

import datetime
import itertools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_noop

from monitoring import partitions
from monitoring.emissions.models import Channel, EmissionValue, Unit
from monitoring.emissions.partitions import VALUES
from monitoring.ingest import MAX_ERRORS, RowError, moment_error, parse_moment
from portal import coded, values
from registry.models import Enterprise
from registry.permits.models import Substance
from registry.permits.selectors import limits_in_force

_ = coded.Message

COLUMNS = ("source", "substance", "interval_start", "value", "unit", "flow_m3s")
REQUIRED = ("source", "substance", "interval_start", "value", "unit")
# What the value's columns hold: a value beyond them is refused, never rounded.
VALUE_COLUMN = values.decimal_column(EmissionValue, "value")
FLOW_COLUMN = values.decimal_column(EmissionValue, "flow_m3s")
FUTURE = gettext_noop("the interval is in the future.")
Pair = tuple[int, int]  # source, substance


def rate_gs(value: Decimal, unit: str, flow: Decimal | None) -> float:
    """The emission rate in g/s: the value as sent, or a concentration (mg/m3) times the gas flow (m3/s) / 1000
    (mg/s to g/s). The SQL of the fast path computes the same float (monitoring.emissions.sql.CHECKED)."""
    if unit == Unit.GRAMS_PER_SECOND:
        return float(value)
    assert flow is not None  # required with a concentration (check_row)
    return float(value) * float(flow) / 1000


@dataclass(frozen=True)
class Known:
    """A channel as rows name it."""

    source_id: int
    substance_id: int
    interval_minutes: int


class Catalogue:
    """What rows of one enterprise may name (its active channels), and the g/s limits in force, loaded once."""

    def __init__(self, enterprise: Enterprise) -> None:
        self.enterprise_id = enterprise.pk
        channels = Channel.objects.filter(source__enterprise_id=enterprise.pk, is_active=True).values_list(
            "source__code", "substance__code", "source_id", "substance_id", "interval_minutes"
        )
        self.channels = {(source, substance): Known(*rest) for source, substance, *rest in channels}
        self.sources = set(enterprise.emission_sources.values_list("code", flat=True))
        self.substances = set(Substance.objects.values_list("code", flat=True))
        self.now = timezone.now()
        self.zone = ZoneInfo(settings.TIME_ZONE)  # a limit's year, as the permits count it
        # Values of an archived year (`manage.py archive_emission_values`) are refused: its months' partitions are
        # gone, and one made again would never be archived.
        self.archived_before = VALUES.archived_before()
        self.earliest = partitions.year_range(self.archived_before)[0] if self.archived_before else values.EARLIEST
        self._limits: dict[int, dict[Pair, float]] = {}

    def codes(self) -> dict[Pair, tuple[str, str]]:
        """The source and substance codes of each channel, by their ids."""
        return {(known.source_id, known.substance_id): pair for pair, known in self.channels.items()}

    def limits(self, year: int) -> dict[Pair, float]:
        """The g/s limits of the permit in force in `year` (registry.permits.selectors.limits_in_force)."""
        if year not in self._limits:
            limits = limits_in_force(year=year, enterprises=Enterprise.objects.filter(pk=self.enterprise_id))
            self._limits[year] = {
                (limit.source_id, limit.substance_id): float(limit.grams_per_second)
                for limit in limits.filter(grams_per_second__isnull=False)
            }
        return self._limits[year]

    def limit(self, row: "Row") -> float | None:
        return self.limits(row.interval_start.astimezone(self.zone).year).get((row.source_id, row.substance_id))


@dataclass(slots=True)
class Row:
    number: int
    source_id: int
    substance_id: int
    interval_minutes: int
    interval_start: datetime.datetime
    value: Decimal
    unit: str
    flow_m3s: Decimal | None
    rate_gs: float

    @property
    def key(self) -> tuple[int, int, float]:
        return self.source_id, self.substance_id, self.interval_start.timestamp()


def _number(number: int, name: str, raw: str, column: dict[str, int]) -> tuple[Decimal | None, list[RowError]]:
    try:
        value = values.number(raw.replace(",", "."), **column)
    except ValidationError as exc:
        if exc.code == "invalid":
            return None, [RowError(number, name, "invalid", _("“%(value)s” is not a number.") % {"value": raw})]
        return None, [RowError(number, name, exc.code or "invalid", coded.from_error(exc))]
    if value < 0:
        message = _("a value cannot be negative (%(value)s).") % {"value": values.shown(raw)}
        return None, [RowError(number, name, "negative", message)]
    return value, []


def _unit_errors(number: int, unit: str, flow: str) -> list[RowError]:
    if unit not in Unit.values:
        message = _("“%(value)s” is not a unit of emission data (%(choices)s).")
        message %= {"value": values.shown(unit), "choices": ", ".join(Unit.values)}
        return [RowError(number, "unit", "unknown_unit", message)]
    if unit == Unit.MG_PER_M3 and not flow:
        message = _("a concentration needs the gas flow of the same interval (m3/s).")
        return [RowError(number, "flow_m3s", "flow_required", message)]
    if unit == Unit.GRAMS_PER_SECOND and flow:
        message = _("a rate in g/s takes no gas flow.")
        return [RowError(number, "flow_m3s", "flow_not_allowed", message)]
    return []


def _name_errors(number: int, text: Mapping[str, str], catalogue: Catalogue) -> tuple[Known | None, list[RowError]]:
    errors = []
    if text["source"] not in catalogue.sources:
        message = _("unknown emission source “%(code)s” of this enterprise.") % {"code": values.shown(text["source"])}
        errors.append(RowError(number, "source", "unknown_source", message))
    if text["substance"] not in catalogue.substances:
        message = _("unknown substance “%(code)s”.") % {"code": values.shown(text["substance"])}
        errors.append(RowError(number, "substance", "unknown_substance", message))
    known = catalogue.channels.get((text["source"], text["substance"]))
    if known is None and not errors:
        message = _("the source %(source)s has no monitoring channel of %(substance)s.")
        message %= {"source": values.shown(text["source"]), "substance": values.shown(text["substance"])}
        errors.append(RowError(number, "substance", "no_channel", message))
    return known, errors


def _interval_errors(
    number: int, raw: str, known: Known | None, catalogue: Catalogue
) -> tuple[datetime.datetime | None, list[RowError]]:
    start = parse_moment(raw)
    if start is None:
        message = _("“%(value)s” is not a date and time (ISO 8601, e.g. 2024-05-01T10:20:00+05:00).")
        return None, [RowError(number, "interval_start", "invalid", message % {"value": values.shown(raw)})]
    problem, reason = moment_error(start, catalogue.now, FUTURE)
    if problem:
        return None, [RowError(number, "interval_start", problem, reason)]
    if start < catalogue.earliest:
        message = _("the emission values before %(year)s are archived; none can be added.")
        return None, [RowError(number, "interval_start", "archived", message % {"year": catalogue.archived_before})]
    # Whole minutes of an interval counted from the hour (UTC; Kazakhstan's offsets are whole hours).
    if known is not None and (start.timestamp() % (known.interval_minutes * 60) or start.microsecond):
        message = _("the interval does not start on the channel's %(minutes)s-minute boundary.")
        return None, [RowError(number, "interval_start", "not_aligned", message % {"minutes": known.interval_minutes})]
    return start, []


def check_row(number: int, raw: Mapping[str, Any], catalogue: Catalogue) -> tuple[Row | None, list[RowError]]:
    text = {name: str(raw.get(name) if raw.get(name) is not None else "").strip() for name in COLUMNS}
    errors = [RowError(number, name, "required", _("this field is required.")) for name in REQUIRED if not text[name]]
    for name, cell in text.items():
        try:
            values.validate_text(cell)
        except ValidationError as exc:
            errors.append(RowError(number, name, exc.code or "invalid", coded.from_error(exc)))
    if errors:
        return None, errors
    known, errors = _name_errors(number, text, catalogue)
    errors += _unit_errors(number, text["unit"], text["flow_m3s"])
    value, problems = _number(number, "value", text["value"], VALUE_COLUMN)
    errors += problems
    flow = None
    if text["flow_m3s"]:
        flow, problems = _number(number, "flow_m3s", text["flow_m3s"], FLOW_COLUMN)
        errors += problems
    start, problems = _interval_errors(number, text["interval_start"], known, catalogue)
    errors += problems
    if errors:
        return None, errors
    assert known is not None and value is not None and start is not None  # each missing is an error above
    row = Row(
        number=number, source_id=known.source_id, substance_id=known.substance_id,
        interval_minutes=known.interval_minutes, interval_start=start, value=value, unit=text["unit"],
        flow_m3s=flow, rate_gs=rate_gs(value, text["unit"], flow),
    )  # fmt: skip
    return row, []


@dataclass(frozen=True)
class Gap:
    """Intervals missing in a channel's values of one batch, between two it has."""

    source_id: int
    substance_id: int
    first: datetime.datetime  # the first interval missing
    last: datetime.datetime  # the last one
    intervals: int


def gaps_between(pair: Pair, minutes: int, starts: list[float]) -> list[Gap]:
    """The runs of intervals missing between the first and the last of `starts` (timestamps, without repeats)."""
    step = minutes * 60
    found = []
    ordered = sorted(starts)
    for before, after in itertools.pairwise(ordered):
        if after - before > step:
            first = datetime.datetime.fromtimestamp(before + step, datetime.UTC)
            last = datetime.datetime.fromtimestamp(after - step, datetime.UTC)
            found.append(Gap(*pair, first, last, round((after - before) / step) - 1))
    return found


@dataclass
class Checker:
    """Checks rows one by one, remembering what it has seen (duplicates, and each channel's intervals for the
    gaps), so that a large file can stream."""

    catalogue: Catalogue
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    first_row: dict[tuple[int, int, float], int] = field(default_factory=dict)
    starts: dict[Pair, list[float]] = field(default_factory=lambda: defaultdict(list))
    minutes: dict[Pair, int] = field(default_factory=dict)
    duplicates: int = 0  # rows of an interval already in the batch or stored

    def check(self, number: int, raw: Mapping[str, Any]) -> Row | None:
        row, errors = check_row(number, raw, self.catalogue)
        if row is not None and row.key in self.first_row:
            message = _("the same interval of the same source and substance as row %(first)s.")
            first = self.first_row[row.key]
            row, errors = None, [RowError(number, "interval_start", "duplicate_row", message % {"first": first})]
            self.duplicates += 1
        if row is None:
            self.add(errors)
            return None
        self.first_row[row.key] = number
        pair = (row.source_id, row.substance_id)
        self.starts[pair].append(row.key[2])
        self.minutes[pair] = row.interval_minutes
        return row

    def check_stored(self, rows: list[Row]) -> None:
        """Values already stored are duplicates too: one range read of the unique key per chunk of rows."""
        if not rows:
            return
        keys = {row.key: row for row in rows}
        stored = EmissionValue.objects.filter(
            enterprise_id=self.catalogue.enterprise_id,
            source_id__in={row.source_id for row in rows},
            substance_id__in={row.substance_id for row in rows},
            interval_start__gte=min(row.interval_start for row in rows),
            interval_start__lte=max(row.interval_start for row in rows),
        ).values_list("source_id", "substance_id", "interval_start")
        message = _("this interval of the source and substance was already submitted.")
        for source_id, substance_id, start in stored.iterator(chunk_size=10_000):
            if (row := keys.get((source_id, substance_id, start.timestamp()))) is not None:
                self.add([RowError(row.number, "interval_start", "already_submitted", message)])
                self.duplicates += 1

    def gaps(self) -> list[Gap]:
        return [gap for pair, starts in self.starts.items() for gap in gaps_between(pair, self.minutes[pair], starts)]

    def add(self, errors: list[RowError]) -> None:
        self.error_count += len(errors)
        self.errors.extend(errors[: max(0, MAX_ERRORS - len(self.errors))])
