import itertools
import json
from decimal import Decimal
from pathlib import Path

import factory

from portal.models import User
from portal.tests.factories import UserFactory
from registry.models import (
    SUBKINDS_BY_KIND,
    Deposit,
    DepositComponent,
    DepositKind,
    DepositStatus,
    DepositSurvey,
    Enterprise,
    InspectorAssignment,
    Membership,
    Region,
)
from registry.validators import bin_check_digit

# Balkhash and Almaty: two points well inside Kazakhstan.
BALKHASH = (Decimal("46.84000"), Decimal("74.98000"))
ALMATY = (Decimal("43.20000"), Decimal("76.90000"))

_bin_numbers = itertools.count(10_000_000_000)


def next_valid_bin() -> str:
    """The next 12-digit BIN with a correct check digit; numbers that can have none are skipped."""
    for number in _bin_numbers:
        first_eleven = f"{number:011d}"
        check = bin_check_digit(first_eleven)
        if check is not None:
            return f"{first_eleven}{check}"
    raise AssertionError("unreachable")


def _base36(number: int) -> str:
    digits = ""
    while number:
        number, digit = divmod(number, 36)
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[digit] + digits
    return digits


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    # Three base-36 characters: never one of the real two-digit ISO 3166-2:KZ codes.
    iso_code = factory.Sequence(lambda n: f"KZ-{_base36(n + 36**2)}")
    kind = Region.Kind.REGION
    name_en = factory.Sequence(lambda n: f"Region {n}")
    name_ru = factory.LazyAttribute(lambda region: f"{region.name_en} (ru)")
    name_kk = factory.LazyAttribute(lambda region: f"{region.name_en} (kk)")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"Enterprise {n} LLP")
    bin = factory.LazyFunction(next_valid_bin)
    region = factory.SubFactory(RegionFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)


class InspectorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectorAssignment

    user = factory.SubFactory(UserFactory, role=User.Role.INSPECTOR)
    region = factory.SubFactory(RegionFactory)


class DepositFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deposit

    name = factory.Sequence(lambda n: f"Slag dump {n}")
    operator = factory.SubFactory(EnterpriseFactory)
    region = factory.SelfAttribute("operator.region")
    kind = DepositKind.CHEMICAL_METALLURGICAL
    # the first sub-kind of the kind, so that overriding `kind` alone stays consistent
    subkind = factory.LazyAttribute(lambda deposit: SUBKINDS_BY_KIND[deposit.kind][0])
    status = DepositStatus.OPERATING
    latitude = BALKHASH[0]
    longitude = BALKHASH[1]
    start_year = 1990
    state_year = 2023
    tonnage_t = Decimal("1000000.0")
    is_published = False


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepositSurvey

    deposit = factory.SubFactory(DepositFactory)
    year = factory.LazyAttribute(lambda survey: survey.deposit.state_year)
    tonnage_t = factory.LazyAttribute(lambda survey: survey.deposit.tonnage_t)


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepositComponent

    deposit = factory.SubFactory(DepositFactory)
    basis = DepositComponent.Basis.CHEMICAL
    component = "Cu"
    unit = DepositComponent.Unit.PERCENT
    mean = Decimal("0.8")
    minimum = Decimal("0.2")
    maximum = Decimal("1.5")


BALKHASH_DATA = Path(__file__).resolve().parent.parent / "data" / "deposit_balkhash_slag.json"


def _dec(value: float | int) -> Decimal:
    return Decimal(str(value))


def balkhash_slag_deposit(**overrides: object) -> Deposit:
    """The real Balkhash Copper Plant slag dumps (registry/data), with their surveys and composition."""
    data = json.loads(BALKHASH_DATA.read_text())
    state = data["state_2023"]
    region = RegionFactory(iso_code=data["region_iso"], name_en="Karaganda")
    fields = {
        "name": data["name"],
        "operator": EnterpriseFactory(name=data["operator"], region=region),
        "region": region,
        "kind": DepositKind.CHEMICAL_METALLURGICAL,
        "subkind": "slag",
        "latitude": _dec(data["latitude_approx"]),
        "longitude": _dec(data["longitude_approx"]),
        "start_year": data["in_operation_since"],
        "state_year": 2023,
        "tonnage_t": _dec(state["accumulated_mt"]) * 1_000_000,
        "area_ha": _dec(state["area_ha"]),
        "area_uncertainty_ha": _dec(state["area_ha_uncertainty"]),
        "max_height_m": _dec(state["max_height_m"]),
        "mean_height_m": _dec(state["mean_height_m"]),
        "density_min_t_m3": _dec(state["storage_density_t_per_m3"][0]),
        "density_max_t_m3": _dec(state["storage_density_t_per_m3"][1]),
        "annual_increase_min_t": _dec(state["annual_increase_kt"][0]) * 1000,
        "annual_increase_max_t": _dec(state["annual_increase_kt"][1]) * 1000,
        "area_increase_min_ha": _dec(state["area_increase_ha_per_year"][0]),
        "area_increase_max_ha": _dec(state["area_increase_ha_per_year"][1]),
        "hazard_class": data["hazard_class"],
        "is_published": True,
        **overrides,
    }
    deposit = DepositFactory.create(**fields)
    for survey in data["history"]:
        SurveyFactory(
            deposit=deposit,
            year=survey["year"],
            tonnage_t=_dec(survey["accumulated_mt"]) * 1_000_000,
            annual_t=_dec(survey["annual_kt"]) * 1000,
            source=survey["source"],
        )
    for line in data["composition_pct"]:
        ComponentFactory(
            deposit=deposit,
            component=line["component"],
            mean=_dec(line["mean"]),
            minimum=_dec(line["range"][0]),
            maximum=_dec(line["range"][1]),
            method=line["method"],
        )
    return deposit


def deposit_payload(operator: Enterprise, /, **overrides: object) -> dict[str, object]:
    """A valid POST /api/v1/registry/deposits/ body: the operator by BIN, the region by ISO code."""
    return {
        "name": "Ash dump No. 2",
        "operator": operator.bin,
        "region": operator.region.iso_code,
        "kind": "energy",
        "subkind": "ash_slag",
        "latitude": "43.20000",
        "longitude": "76.90000",
        "state_year": 2024,
        "tonnage_t": "5000000.0",
        **overrides,
    }
