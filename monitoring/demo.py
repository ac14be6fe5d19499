"""Demo monitoring: points around the demo enterprise's slag dump and a year of results, some above the MPC,
submitted through the same service as the API; a few points and results for synthetic enterprises."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from monitoring import services
from monitoring.models import Medium, MonitoringPoint, Submission
from portal.models import User
from registry.models import Deposit, Enterprise

ALMATY = datetime.timezone(datetime.timedelta(hours=5))
# (code, medium, offset in degrees, distance m, pollutant -> (unit, averaging, typical value, spread))
Series = dict[str, tuple[str, str, float, float]]
POINTS: list[tuple[str, Medium, tuple[float, float], int, Series]] = [
    (
        "AIR-1",
        Medium.AIR,
        (0.004, 0.004),
        500,
        {"Cu": ("mg/m3", "daily", 0.004, 3), "Pb": ("ug/m3", "daily", 0.4, 2), "Zn": ("mg/m3", "single", 0.03, 2)},
    ),
    (
        "SOIL-1",
        Medium.SOIL,
        (-0.003, 0.002),
        300,
        {"Cu": ("mg/kg", "single", 45, 2), "Pb": ("mg/kg", "single", 9, 2), "Zn": ("mg/kg", "single", 30, 2)},
    ),
    (
        "GW-1",
        Medium.GROUNDWATER,
        (0.002, -0.004),
        800,
        {"Cu": ("mg/l", "single", 0.03, 2), "Zn": ("ug/l", "single", 8, 2)},
    ),
    (
        "SW-1",
        Medium.SURFACE_WATER,
        (-0.01, -0.01),
        2500,
        {"Cu": ("mg/l", "single", 0.002, 2), "Pb": ("mg/l", "single", 0.004, 2)},
    ),
]


def _points(enterprise: Enterprise, deposit: Deposit) -> None:
    for code, medium, (dlat, dlon), distance, _series in POINTS:
        MonitoringPoint.objects.get_or_create(
            enterprise=enterprise,
            code=code,
            defaults={
                "medium": medium, "deposit": deposit, "distance_m": distance,
                "latitude": deposit.latitude + Decimal(str(dlat)), "longitude": deposit.longitude + Decimal(str(dlon)),
                "description": f"{medium} monitoring {distance} m from {deposit.name}",
            },
        )  # fmt: skip


def _rows(rng: random.Random, months: int, end: datetime.date) -> list[dict]:
    rows = []
    for code, _medium, _offset, _distance, series in POINTS:
        for pollutant, (unit, averaging, typical, spread) in series.items():
            for month in range(months):
                day = end - datetime.timedelta(days=30 * (months - month))
                sampled = datetime.datetime(day.year, day.month, 15, 10, 0, tzinfo=ALMATY)
                value = typical * rng.uniform(1 / spread, spread)
                rows.append({
                    "point": code, "pollutant": pollutant, "sampled_at": sampled.isoformat(),
                    "value": f"{value:.6g}", "unit": unit, "averaging": averaging,
                    "method": "ICP-MS", "laboratory": "Demo laboratory (synthetic)",
                })  # fmt: skip
    return rows


def load_monitoring_demo(staff: User, admin: User) -> None:
    rng = random.Random(2024)
    today = timezone.localdate()
    for enterprise in Enterprise.objects.filter(deposits__isnull=False).distinct().order_by("bin"):
        if Submission.objects.filter(enterprise=enterprise).exists():
            continue
        deposit = enterprise.deposits.order_by("pk").first()
        _points(enterprise, deposit)
        actor = staff if enterprise.memberships.filter(user=staff).exists() else admin
        months = 12 if actor == staff else 3
        services.submission_create(actor=actor, enterprise=enterprise, rows=_rows(rng, months, today))
