"""Fixtures of the permits tests (the users, regions and enterprises come from the root conftest.py).

enterprise_a and enterprise_b are both in `region`, which `inspector` inspects; `other_inspector` inspects
`other_region` only. The substances are the real E-PRTR list (registry.permits.reference)."""

import pytest

from registry.permits.reference import load_substances
from registry.permits.tests.factories import EmissionSourceFactory, PermitFactory


@pytest.fixture
def substances(db):
    load_substances()


@pytest.fixture
def draft(enterprise_a):
    return PermitFactory(enterprise=enterprise_a, number="KZ01VCZ00001")


@pytest.fixture
def stack(enterprise_a):
    return EmissionSourceFactory(enterprise=enterprise_a, code="0001")


@pytest.fixture
def outlet(enterprise_a):
    return EmissionSourceFactory(enterprise=enterprise_a, code="W01", water=True)
