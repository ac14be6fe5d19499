"""What the verdict tests share: a city around an enterprise's stacks (and a stack outside it), their channels, a
regime, and interval values stored as an ingest stores them (partitions prepared first, then the rows)."""

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from zoneinfo import ZoneInfo

from monitoring.emissions.models import Channel, EmissionSubmission, EmissionValue
from monitoring.emissions.partitions import VALUES
from monitoring.partitions import month_of
from monitoring.regimes.models import City, Regime
from portal.models import User
from registry.models import Enterprise
from registry.permits.models import EmissionSource, Substance
from registry.permits.tests.factories import EmissionSourceFactory, SubstanceFactory

ZONE = ZoneInfo("Asia/Almaty")  # the test region's zone (UTC+5 in 2024)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
# A 3-day regime from local midnight; its baseline is 5-12 November.
START = datetime.datetime(2024, 11, 12, tzinfo=ZONE)
END = START + 3 * DAY
CENTRE = (Decimal("46.84000"), Decimal("74.98000"))


def make_city(enterprise: Enterprise, code: str = "testcity", *, shift: Decimal = Decimal(0)) -> City:
    """A city of 10 km around CENTRE, or `shift` degrees of latitude north of it."""
    return City.objects.create(
        code=code, name=code.title(), name_en=code.title(), name_ru=code.title(), name_kk=code.title(),
        region=enterprise.region, latitude=CENTRE[0] + shift, longitude=CENTRE[1], radius_km=Decimal("10"),
    )  # fmt: skip


def make_stack(
    enterprise: Enterprise, code: str, *, inside: bool = True, shift: Decimal = Decimal(0)
) -> EmissionSource:
    """A stack in the city (a few hundred metres from its centre), or 1 degree of latitude away (about 111 km)."""
    latitude = CENTRE[0] + shift + (Decimal("0.003") if inside else Decimal("1"))
    source: EmissionSource = EmissionSourceFactory.create(
        enterprise=enterprise, code=code, latitude=latitude, longitude=CENTRE[1]
    )
    return source


def sox() -> Substance:
    substance: Substance = SubstanceFactory.create(code="SOx", name="Sulphur oxides")
    return substance


def make_channel(source: EmissionSource, substance: Substance) -> Channel:
    return Channel.objects.create(
        source=source, substance=substance, interval_minutes=60, since=START - 30 * DAY, is_active=True
    )


def make_regime(city: City, declared_by: User, *, start: datetime.datetime = START, end: datetime.datetime = END,
                degree: int = 2) -> Regime:  # fmt: skip
    return Regime.objects.create(
        city=city, degree=degree, starts_at=start, ends_at=end, bulletin="No. 1 (test)", declared_by=declared_by
    )


def hours(start: datetime.datetime, end: datetime.datetime) -> list[datetime.datetime]:
    """The starts of the hourly intervals in [start, end)."""
    count = int((end - start) / HOUR)
    return [start + index * HOUR for index in range(count)]


def store(
    channel: Channel,
    moments: Iterable[datetime.datetime],
    rate: float | Callable[[datetime.datetime], float],
    *,
    by: User,
) -> int:
    """Store a value of `rate` g/s (or rate(moment)) at each moment, in one submission; returns how many."""
    moments = list(moments)
    source = channel.source
    submission = EmissionSubmission.objects.create(
        enterprise_id=source.enterprise_id, submitted_by=by, via=EmissionSubmission.Via.API, status="processed"
    )
    VALUES.prepare_for_rows({month_of(moment) for moment in moments})
    rows = []
    for moment in moments:
        value = rate(moment) if callable(rate) else rate
        rows.append(
            EmissionValue(
                submission=submission,
                enterprise_id=source.enterprise_id,
                source=source,
                substance_id=channel.substance_id,
                interval_start=moment,
                value=Decimal(repr(value)),
                unit="g/s",
                rate_gs=value,
            )
        )
    EmissionValue.objects.bulk_create(rows)
    return len(rows)


def week_then_window(channel: Channel, before: float, during: float, *, by: User) -> None:
    """Hourly values: `before` g/s over the baseline week and the day after the regime, `during` g/s in it."""
    store(channel, hours(START - 7 * DAY, START), before, by=by)
    store(channel, hours(START, END), during, by=by)
    store(channel, hours(END, END + DAY), before, by=by)
