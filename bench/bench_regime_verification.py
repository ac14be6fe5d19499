"""The verification of a 3-day regime for every source of a city (issue 15): timed against a year of stored interval
values, then again with more years stored before it; the plan must not scan history, so the time stays the same.

Sizes (environment; the defaults run in a few minutes here):
- BENCH_REGIME_SOURCES (500): sources, all in the city (the worst case: a national network's every source judged);
- BENCH_REGIME_SUBSTANCES (1): channels per source;
- BENCH_REGIME_INTERVAL (60): minutes between values (the issue's network: 10 substances every 20 minutes, 131 M
  values a year, which this machine cannot generate within a benchmark run; 500 x 1 hourly is 4.4 M a year);
- BENCH_REGIME_YEARS ("1,5"): the years of values stored before the regime at each measurement, growing (a
  fraction stores less: "0.03", 11 days, holds the regime and its baseline week only, e.g. to time the issue's
  full density, 10 substances every 20 minutes, at the window).

Timed, median of REPEATS: `verification.regime_verify` of the ended regime (its channels, both means of every
channel in one statement, the verdicts written in one upsert: final, all passing, so no alert), with the listeners
of `verdict_reached` muted (the subscriptions' e-mails, one query per verdict today, are printed apart: the time
with them), and the means' statement alone; the statements of one verification and their SQL time. Printed: the
times at each size, the ratio of the largest to the first (target: no slower, within noise, 1.5), the time at one
year (target under 1 s), and the plan of the means' statement (EXPLAIN ANALYZE) with the partitions it read: the
months of [start - 7 days, end) only.

The values are generated in the database (one INSERT ... SELECT per month, foreign keys not checked one by one: the
rows are right by construction), then vacuumed and analyzed as autovacuum would leave them, and checkpointed.
"""

import datetime
import itertools
import os
import re
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.months import months_between
from monitoring.emissions.models import Channel, EmissionSubmission
from monitoring.emissions.partitions import VALUES
from monitoring.regimes import verification
from monitoring.regimes.models import City, Regime
from monitoring.regimes.reference import load_required_cuts
from monitoring.regimes.signals import verdict_reached
from portal.models import User
from registry.models import Region
from registry.permits.models import EmissionSource, SourceKind, SourceMedium, Substance, SubstanceGroup
from registry.reference import load_regions
from registry.tests.factories import EnterpriseFactory

SOURCES = int(os.environ.get("BENCH_REGIME_SOURCES", "500"))
SUBSTANCES = int(os.environ.get("BENCH_REGIME_SUBSTANCES", "1"))
INTERVAL = int(os.environ.get("BENCH_REGIME_INTERVAL", "60"))
YEARS = [float(years) for years in os.environ.get("BENCH_REGIME_YEARS", "1,5").split(",")]
ENTERPRISES = 50
REPEATS = 9  # a verification of 500 channels takes ~70 ms here: more runs keep the ratio above noise
TARGET_SECONDS, TARGET_GROWTH = 1.0, 1.5
TIMEOUT = int(os.environ.get("BENCH_REGIME_TIMEOUT", "3600"))
ZONE = ZoneInfo("Asia/Almaty")  # UTC+5 in 2025
# A 3-day regime from 18:00 local time; values stored up to its end.
START = datetime.datetime(2025, 11, 10, 18, tzinfo=ZONE)
END = START + datetime.timedelta(days=3)
YEAR = datetime.timedelta(days=365)
pytestmark = pytest.mark.django_db(transaction=True)

# One month of every channel's values, 35 % lower during the window: every verdict passes, so no alert is opened
# (an alert's messages are the outbox's cost, not the verification's).
FILL = """
INSERT INTO emissions_value (submission_id, enterprise_id, source_id, substance_id, interval_start, value, unit,
    flow_m3s, rate_gs, alert_id)
SELECT %(submission)s, c.enterprise_id, c.source_id, c.substance_id, t, x.value, 'g/s', NULL, x.value::float8, NULL
FROM unnest(%(sources)s::bigint[], %(enterprises)s::bigint[], %(substances)s::bigint[])
    AS c(source_id, enterprise_id, substance_id)
CROSS JOIN generate_series(%(first)s::timestamptz, %(last)s::timestamptz, %(step)s::interval) AS t
CROSS JOIN LATERAL (
    SELECT round(((50 + c.source_id %% 100 + 5 * sin(extract(epoch FROM t) / 13751.0))
        * CASE WHEN t >= %(start)s AND t < %(end)s THEN 0.65 ELSE 1 END)::numeric, 3) AS value
) x
"""


class World:
    def __init__(self) -> None:
        load_regions()
        load_required_cuts()
        region = Region.objects.get(iso_code="KZ-63")
        self.admin = User.objects.create(username="bench-admin", role=User.Role.ADMINISTRATOR)
        enterprises = [EnterpriseFactory.create(region=region) for _ in range(ENTERPRISES)]
        self.city = City.objects.create(
            code="bench-city", name="Bench", name_en="Bench", name_ru="Bench", name_kk="Bench", region=region,
            latitude=Decimal("49.95"), longitude=Decimal("82.62"), radius_km=Decimal("20"),
        )  # fmt: skip
        sources = EmissionSource.objects.bulk_create(
            EmissionSource(
                enterprise=enterprises[n % ENTERPRISES], code=f"{n:04d}", name="", medium=SourceMedium.AIR,
                kind=SourceKind.UNORGANISED, latitude=Decimal("49.95") + Decimal(n % 20) / 1000,
                longitude=Decimal("82.62") + Decimal(n // 20) / 1000,
            )
            for n in range(SOURCES)
        )  # fmt: skip
        substances = Substance.objects.bulk_create(
            Substance(code=f"B{n}", name=f"Bench {n}", group=SubstanceGroup.OTHER_GASES) for n in range(SUBSTANCES)
        )
        channels = Channel.objects.bulk_create(
            Channel(source=source, substance=substance, interval_minutes=INTERVAL, since=START - 20 * YEAR)
            for source in sources
            for substance in substances
        )
        self.channels = {
            "sources": [channel.source_id for channel in channels],
            "enterprises": [channel.source.enterprise_id for channel in channels],
            "substances": [channel.substance_id for channel in channels],
        }
        self.submission = EmissionSubmission.objects.create(
            enterprise=enterprises[0], submitted_by=self.admin, via=EmissionSubmission.Via.API, status="processed"
        )
        self.regime = Regime.objects.create(
            city=self.city, degree=2, starts_at=START, ends_at=END, bulletin="bench", declared_by=self.admin
        )
        self.stored_from = END  # the values stored so far run from here to END

    def fill_back_to(self, first: datetime.datetime) -> tuple[int, float]:
        """Store every channel's values from `first` up to those stored already; returns (rows, seconds)."""
        started = time.perf_counter()
        months = months_between(first, self.stored_from - datetime.timedelta(seconds=1))
        VALUES.ensure(months=months, ahead=0)
        rows = 0
        params: dict[str, Any] = {
            **self.channels, "submission": self.submission.pk, "step": datetime.timedelta(minutes=INTERVAL),
            "start": START, "end": END,
        }  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            bounds = [first, *(datetime.datetime(y, m, 1, tzinfo=ZONE) for y, m in months[1:]), self.stored_from]
            for low, high in itertools.pairwise(bounds):
                last = high - datetime.timedelta(minutes=INTERVAL)
                cursor.execute(FILL, {**params, "first": low, "last": last})
                rows += cursor.rowcount
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("VACUUM ANALYZE emissions_value")
            # The fill's dirty pages written now, not by the checkpointer while the verification is timed (the years
            # added before the second measurement made it the slower by their writes, not by its plan).
            cursor.execute("CHECKPOINT")
        self.stored_from = first
        return rows, time.perf_counter() - started


def _median(action: Any) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@contextmanager
def _unheard() -> Iterator[None]:
    """`verdict_reached` without its listeners (monitoring.subscriptions: one query per verdict for its
    subscribers, their cost rather than the verification's; printed apart)."""
    receivers, verdict_reached.receivers = verdict_reached.receivers, []
    verdict_reached.sender_receivers_cache.clear()
    try:
        yield
    finally:
        verdict_reached.receivers = receivers
        verdict_reached.sender_receivers_cache.clear()


def _means(world: World) -> dict:
    return verification.window_means(
        pairs=list(zip(world.channels["sources"], world.channels["substances"], strict=True)),
        start=START, until=END, zone=ZONE,
    )  # fmt: skip


def _plan(world: World) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        _means(world)
    (query,) = [q["sql"] for q in captured.captured_queries if "emissions_value" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {query}")
        return [line for (line,) in cursor.fetchall()]


def test_regime_verification_does_not_scan_history() -> None:
    world = World()
    print(f"\n[regime] {SOURCES} sources x {SUBSTANCES} substances every {INTERVAL} min, in one city; a 3-day regime")
    figures = []
    for years in YEARS:
        rows, seconds = world.fill_back_to(START - years * YEAR)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM emissions_value")
            stored = cursor.fetchone()[0]
        verify_heard = _median(lambda: verification.regime_verify(regime_id=world.regime.pk))
        with _unheard():
            verify = _median(lambda: verification.regime_verify(regime_id=world.regime.pk))
            with CaptureQueriesContext(connection) as captured:
                verification.regime_verify(regime_id=world.regime.pk)
        statements = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
        sql = sum(float(q["time"]) for q in statements)
        print(f"[regime]   {len(statements)} statements, {sql * 1000:.0f} ms of SQL; the longest: " + "; ".join(
            f"{float(q['time']) * 1000:.0f} ms {q['sql'][:50]}" for q in statements[:3]))  # fmt: skip
        means = _median(lambda: _means(world))
        figures.append((years, stored, verify, means))
        print(f"[regime] {years:g} y stored ({stored:,} values; {rows:,} added in {seconds:.0f} s): "
              f"verification {verify * 1000:.0f} ms ({verify_heard * 1000:.0f} ms with the listeners of "
              f"verdict_reached), means' statement {means * 1000:.0f} ms")  # fmt: skip
    plan = _plan(world)
    partitions = sorted(set(re.findall(r"emissions_value_p\d{4}_\d{2}", "\n".join(plan))))
    print("[plan]   " + "\n[plan]   ".join(plan))
    print(f"[regime] partitions read by the means' statement: {', '.join(partitions)} "
          f"(of {len(months_between(world.stored_from, END))} stored)")  # fmt: skip
    first, last = figures[0], figures[-1]
    growth = last[2] / first[2]
    print(f"[regime] verification at {last[0]:g} y / at {first[0]:g} y: {growth:.2f} "
          f"(means' statement {last[3] / first[3]:.2f}); at {first[0]:g} y: {first[2]:.3f} s")  # fmt: skip
    assert partitions == [VALUES.partition_name(month) for month in months_between(START - verification.BASELINE, END)]
    assert growth <= TARGET_GROWTH
    assert first[2] < TARGET_SECONDS
