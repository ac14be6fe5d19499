from decimal import Decimal

import pytest

from portal.models import ChangeRecord
from registry.permits.models import EmissionLimit, PlacementLimit, SourceMedium, Substance, SubstanceGroup
from registry.permits.reference import SUBSTANCES_CSV, load_substances
from registry.permits.tests.factories import EmissionLimitFactory, EmissionSourceFactory, PlacementLimitFactory
from registry.reference import read_rows

pytestmark = pytest.mark.django_db


def test_the_annex_ii_list_loads_once_and_is_recorded():
    assert load_substances() == 91
    assert load_substances() == 0
    assert ChangeRecord.objects.filter(content_type__model="substance").count() == 91
    lead = Substance.objects.get(code="Pb")
    assert (lead.cas, lead.group, lead.toxic) == ("7439-92-1", SubstanceGroup.HEAVY_METALS, True)
    assert lead.name_ru.startswith("Свинец") and lead.name_kk.startswith("Қорғасын")
    assert not Substance.objects.get(code="SOx").toxic
    assert Substance.objects.get(code="PCDD+PCDF").toxic


def test_a_changed_name_is_restored_and_the_change_recorded():
    load_substances()
    Substance.objects.filter(code="Hg").update(name_ru="Ртуть?")
    assert load_substances() == 1
    assert Substance.objects.get(code="Hg").name_ru.startswith("Ртуть и её")


def test_the_air_thresholds_are_those_of_annex_ii():
    air = {row["code"]: row["air_kg"] for row in read_rows(SUBSTANCES_CSV)}
    expected = {"As": "20", "Cd": "10", "Hg": "10", "Ni": "50", "Pb": "200", "Zn": "200", "SOx": "150000"}
    assert {code: air[code] for code in expected} == expected
    assert Decimal(air["PM10"]) == 50_000
    water = {row["code"]: row["water_kg"] for row in read_rows(SUBSTANCES_CSV)}
    assert water["SOx"] == "" and water["Total N"] == "50000"


def test_factories_keep_the_enterprise_and_the_medium():
    limit = EmissionLimitFactory()
    assert limit.source.enterprise == limit.permit.enterprise
    assert limit.grams_per_second is not None
    outlet = EmissionSourceFactory(water=True)
    water_limit = EmissionLimitFactory(permit__enterprise=outlet.enterprise, source=outlet)
    assert water_limit.grams_per_second is None and outlet.medium == SourceMedium.WATER
    placement = PlacementLimitFactory()
    assert placement.deposit.operator == placement.permit.enterprise
    assert EmissionLimit.objects.count() == 2 and PlacementLimit.objects.count() == 1
