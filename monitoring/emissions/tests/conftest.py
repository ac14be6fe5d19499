"""Fixtures of the emissions tests: enterprise A's stack 0001 with channels of SO2 (20 minutes) and NOx (hourly),
a verified permit limiting SO2 to 1.5 g/s (NOx unlimited in g/s), and helpers that post values."""

import datetime
from decimal import Decimal

import pytest

from monitoring.emissions.models import Channel
from registry.permits.models import PermitStatus
from registry.permits.tests.factories import (
    EmissionLimitFactory,
    EmissionSourceFactory,
    PermitFactory,
    SubstanceFactory,
)

# A Wednesday of a past year, 10:00 in Ust-Kamenogorsk (UTC+5).
START = datetime.datetime(2025, 1, 15, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=5)))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def stack(enterprise_a):
    return EmissionSourceFactory(enterprise=enterprise_a, code="0001")


@pytest.fixture
def so2(db):
    return SubstanceFactory(code="SO2")


@pytest.fixture
def nox(db):
    return SubstanceFactory(code="NOx")


@pytest.fixture
def channels(stack, so2, nox):
    since = START - datetime.timedelta(days=30)
    return [
        Channel.objects.create(source=stack, substance=so2, interval_minutes=20, since=since),
        Channel.objects.create(source=stack, substance=nox, interval_minutes=60, since=since),
    ]


@pytest.fixture
def limit(stack, so2):
    permit = PermitFactory(enterprise=stack.enterprise, status=PermitStatus.VERIFIED)
    return EmissionLimitFactory(permit=permit, source=stack, substance=so2, grams_per_second=Decimal("1.500000"))


def row(minutes: int = 0, *, substance: str = "SO2", value: str = "1.0", unit: str = "g/s", flow=None, **more):
    """One value of stack 0001, `minutes` after START."""
    start = START + datetime.timedelta(minutes=minutes)
    return {
        "source": "0001",
        "substance": substance,
        "interval_start": start.isoformat(),
        "value": value,
        "unit": unit,
        "flow_m3s": flow,
        **more,
    }
