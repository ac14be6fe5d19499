"""Fixtures of the regimes tests (the users, regions and enterprises come from the root conftest.py).

`city` lies in `region` around the location the registry's factories give sources (Balkhash), so `stack_a` and
`stack_b` (of enterprise_a and enterprise_b) are in it; `far_stack` of enterprise_a is 1° (111 km) north of it."""

from decimal import Decimal

import pytest

from monitoring.regimes.reference import load_required_cuts
from monitoring.regimes.tests.factories import CityFactory
from registry.permits.tests.factories import EmissionSourceFactory
from registry.tests.factories import BALKHASH


@pytest.fixture
def cuts(db):
    # The migration loads them; a test that flushed the database (transactional_db) loads them again.
    load_required_cuts()


@pytest.fixture
def city(region):
    return CityFactory(region=region, code="balkhash-test")


@pytest.fixture
def other_city(other_region):
    return CityFactory(region=other_region, code="elsewhere", latitude=Decimal("50.00000"))


@pytest.fixture
def stack_a(enterprise_a):
    return EmissionSourceFactory(enterprise=enterprise_a, code="0001")


@pytest.fixture
def stack_b(enterprise_b):
    return EmissionSourceFactory(enterprise=enterprise_b, code="0001")


@pytest.fixture
def far_stack(enterprise_a):
    return EmissionSourceFactory(enterprise=enterprise_a, code="0009", latitude=BALKHASH[0] + 1)


@pytest.fixture
def outlet_a(enterprise_a):
    return EmissionSourceFactory(enterprise=enterprise_a, code="W01", water=True)
