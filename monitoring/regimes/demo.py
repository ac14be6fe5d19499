"""Demo of a verified regime (issue 15's acceptance): a 2nd-degree regime over Ust-Kamenogorsk from 19 to 22 November
2024, 18:00 local time, and the demo smelter's (registry.releases.demo) continuous sulphur dioxide data around it,
synthetic and hourly, from the baseline week before the regime to two days after it:

- the lead smelter's stack (0001) cut its rate by 35 % during the regime: passed (20 % required);
- the zinc roaster and acid plant's stack (0002) by 8 % only: short, an alert for the inspectors;
- the copper smelter's stack (0003) sent nothing during the regime (its monitor "under maintenance"), though it
  sent before and after: not measured, an alert of its own.

Each stack's hourly rate follows a daily profile (higher by day) scaled by a factor per day whose mean over the
baseline week, and over the regime's three days, is 1: the means compare as the cuts above, exactly.

Everything goes through the services, as the people would: the regime declared by the demo inspector, the channels
registered and the values sent through the emissions ingest (monitoring.emissions.services.submission_create, checks
and limits included) by the smelter's staff, and the verdicts computed by the verification the hourly task runs
(the regime has ended, so they are final and open their alerts). Keyed by natural keys: loading twice changes
nothing."""

import datetime
import math
import zoneinfo
from decimal import Decimal
from typing import Any

from django.db import transaction

from monitoring.emissions import services as emissions
from monitoring.emissions.models import Channel, EmissionValue
from monitoring.regimes import services
from monitoring.regimes.models import City, Regime
from monitoring.regimes.reference import load_cities, load_required_cuts
from monitoring.regimes.verification import BASELINE, regime_verify
from portal.models import User
from registry.demo import demo_bin
from registry.models import Enterprise
from registry.permits.models import EmissionSource, Substance

CITY = "ust-kamenogorsk"
ZONE = zoneinfo.ZoneInfo("Asia/Almaty")  # East Kazakhstan's zone: UTC+5 in November 2024
STARTS = datetime.datetime(2024, 11, 19, 18, tzinfo=ZONE)
ENDS = datetime.datetime(2024, 11, 22, 18, tzinfo=ZONE)
AFTER = datetime.timedelta(days=2)
HOUR = datetime.timedelta(hours=1)
BULLETIN = "Kazhydromet (synthetic): adverse meteorological conditions, 2nd degree, bulletin No. 47 of 19.11.2024"
SUBSTANCE = "SOx"
# Source -> (usual rate g/s, share of it during the regime; None: nothing sent during the regime).
STACKS: dict[str, tuple[float, float | None]] = {"0001": (200.0, 0.65), "0002": (190.0, 0.92), "0003": (150.0, None)}
# A factor per day, of mean 1 over the baseline week and over the regime's three days (then the days after).
WEEK_FACTORS = (1.02, 0.98, 1.01, 0.99, 1.03, 0.97, 1.0)
REGIME_FACTORS = (1.01, 0.99, 1.0)
AFTER_FACTORS = (1.0, 1.01)


def _profile(moment: datetime.datetime) -> float:
    """The daily cycle of the plants' load: up to 6 % above the mean by day, below it at night (mean 1 over a day)."""
    return 1 + 0.06 * math.sin((moment.astimezone(ZONE).hour - 8) / 24 * 2 * math.pi)


def _factor(moment: datetime.datetime) -> float:
    if moment < STARTS:
        return WEEK_FACTORS[int((moment - (STARTS - BASELINE)) / datetime.timedelta(days=1))]
    if moment < ENDS:
        return REGIME_FACTORS[int((moment - STARTS) / datetime.timedelta(days=1))]
    return AFTER_FACTORS[int((moment - ENDS) / datetime.timedelta(days=1))]


def value_rows() -> list[dict[str, Any]]:
    """The hourly values of the three stacks, as a client of the API sends them."""
    rows = []
    moment = STARTS - BASELINE
    while moment < ENDS + AFTER:
        for code, (usual, share) in STACKS.items():
            during = STARTS <= moment < ENDS
            if during and share is None:
                continue
            rate = usual * _profile(moment) * _factor(moment) * (share if during and share is not None else 1)
            rows.append({
                "source": code, "substance": SUBSTANCE, "interval_start": moment.isoformat(),
                "value": str(Decimal(repr(rate)).quantize(Decimal("0.001"))), "unit": "g/s",
            })  # fmt: skip
        moment += HOUR
    return rows


def _channels(staff: User, smelter_id: int) -> None:
    substance = Substance.objects.get(code=SUBSTANCE)
    for code in STACKS:
        source = EmissionSource.objects.get(enterprise_id=smelter_id, code=code)
        if not Channel.objects.filter(source=source, substance=substance).exists():
            fields = {"substance": substance, "interval_minutes": 60, "since": STARTS - BASELINE - AFTER,
                      "silent_after_minutes": None, "is_active": True}  # fmt: skip
            emissions.channel_create(actor=staff, source=source, fields=fields)


@transaction.atomic
def load_regimes_demo() -> Regime:
    """The regime, the smelter's channels and values, and the verdicts; returns the regime. On top of the demo
    smelter (registry.releases.demo.load_releases_demo) and its accounts."""
    load_cities()
    load_required_cuts()
    smelter = Enterprise.objects.get(bin=demo_bin(2))  # the demo smelter (registry.releases.demo)
    staff, inspector = User.objects.get(username="smelter"), User.objects.get(username="inspector")
    _channels(staff, smelter.pk)
    window = EmissionValue.objects.filter(
        enterprise_id=smelter.pk, source__code__in=list(STACKS), interval_start__gte=STARTS - BASELINE,
        interval_start__lt=ENDS + AFTER,
    )  # fmt: skip
    if not window.exists():
        emissions.submission_create(actor=staff, enterprise=smelter, rows=value_rows())
    city = City.objects.get(code=CITY)
    regime = Regime.objects.filter(city=city, starts_at=STARTS, degree=2).first()
    if regime is None:
        fields = {"degree": 2, "starts_at": STARTS, "ends_at": ENDS, "bulletin": BULLETIN}
        regime = services.regime_declare(actor=inspector, city=city, fields=fields)
    regime_verify(regime_id=regime.pk)
    return regime
