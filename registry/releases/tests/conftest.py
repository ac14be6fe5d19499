"""Fixtures of the release reports' workflow tests, none automatic (other tests share this folder): `reference`
loads a few substances, their thresholds and waste codes, and reporting years whose deadlines lie ahead.

enterprise_a and enterprise_b are both in `region`, which `inspector` inspects; `other_inspector` inspects
`other_region` only."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from registry.permits.models import SubstanceGroup
from registry.permits.tests.factories import EmissionSourceFactory, SubstanceFactory
from registry.releases.models import ReleaseThreshold, ReleaseYear, TransferThreshold
from registry.returns.models import WasteCode

# Code, CAS, group, threshold to air in kg/yr (E-PRTR Annex II).
SUBSTANCES = [
    ("SOx", "", SubstanceGroup.OTHER_GASES, "150000"),
    ("NOx", "", SubstanceGroup.OTHER_GASES, "100000"),
    ("Pb", "7439-92-1", SubstanceGroup.HEAVY_METALS, "200"),
    ("Zn", "7440-66-6", SubstanceGroup.HEAVY_METALS, "200"),
    ("Cd", "7440-43-9", SubstanceGroup.HEAVY_METALS, "10"),
]


@pytest.fixture
def reference(db):
    substances = {}
    for code, cas, group, air in SUBSTANCES:
        substances[code] = SubstanceFactory(code=code, cas=cas, group=group, name=code)
        ReleaseThreshold.objects.create(
            substance=substances[code], medium="air", kg_per_year=Decimal(air), default=True
        )
    TransferThreshold.objects.create(hazardous=True, tonnes_per_year=Decimal("2"), default=True)
    TransferThreshold.objects.create(hazardous=False, tonnes_per_year=Decimal("2000"), default=True)
    WasteCode.objects.create(code="10 05 01", hazardous=False, chapter="10", name_en="Slags from zinc smelting")
    WasteCode.objects.create(code="10 05 03", hazardous=True, chapter="10", name_en="Flue-gas dust")
    deadline = timezone.localdate() + datetime.timedelta(days=90)
    for year in (2022, 2023, 2024, 2025):
        ReleaseYear.objects.create(year=year, deadline=deadline)
    return substances


@pytest.fixture
def stack_a(enterprise_a):
    return EmissionSourceFactory(enterprise=enterprise_a, code="0001", name="Main stack")


@pytest.fixture
def outlet_a(enterprise_a):
    return EmissionSourceFactory(enterprise=enterprise_a, code="W1", water=True)


@pytest.fixture
def stack_b(enterprise_b):
    return EmissionSourceFactory(enterprise=enterprise_b, code="0001B")


@pytest.fixture
def waste_codes_for_returns(reference):
    """The waste returns' checks want a hazardous code's level: the codes of `reference` are enough for a return."""
    return WasteCode.objects.all()
