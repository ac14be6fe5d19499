import datetime
from decimal import Decimal

import factory

from registry.permits.models import (
    EmissionLimit,
    EmissionSource,
    Permit,
    PermitCategory,
    PermitStatus,
    PlacementLimit,
    SourceKind,
    SourceMedium,
    Substance,
    SubstanceGroup,
)
from registry.tests.factories import BALKHASH, DepositFactory, EnterpriseFactory


class SubstanceFactory(factory.django.DjangoModelFactory):
    """A substance of its own; for the real E-PRTR list call `registry.permits.reference.load_substances()`."""

    class Meta:
        model = Substance
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.LazyAttribute(lambda substance: f"Substance {substance.code}")
    name_en = factory.SelfAttribute("name")
    name_ru = factory.LazyAttribute(lambda substance: f"{substance.name} (ru)")
    name_kk = factory.LazyAttribute(lambda substance: f"{substance.name} (kk)")
    group = SubstanceGroup.OTHER_GASES
    toxic = False


class PermitFactory(factory.django.DjangoModelFactory):
    """A draft permit; `status=PermitStatus.VERIFIED` (or the `verified` trait) for one in force."""

    class Meta:
        model = Permit

    enterprise = factory.SubFactory(EnterpriseFactory)
    number = factory.Sequence(lambda n: f"KZ{n:05d}VCZ")
    category = PermitCategory.I
    issuer = "MENR RK"  # an abbreviation, as written in every language
    valid_from = datetime.date(2021, 1, 1)
    valid_to = datetime.date(2030, 12, 31)
    status = PermitStatus.DRAFT

    class Params:
        verified = factory.Trait(
            status=PermitStatus.VERIFIED,
            submitted_at=factory.LazyFunction(lambda: datetime.datetime(2021, 2, 1, tzinfo=datetime.UTC)),
            verified_at=factory.LazyFunction(lambda: datetime.datetime(2021, 2, 15, tzinfo=datetime.UTC)),
        )


class EmissionSourceFactory(factory.django.DjangoModelFactory):
    """An organised source (a stack) to air; `water=True` for an outlet, `unorganised=True` for a fugitive one."""

    class Meta:
        model = EmissionSource

    enterprise = factory.SubFactory(EnterpriseFactory)
    code = factory.Sequence(lambda n: f"{n + 1:04d}")
    name = factory.LazyAttribute(lambda source: f"Stack {source.code}")
    medium = SourceMedium.AIR
    kind = SourceKind.ORGANISED
    latitude = BALKHASH[0]
    longitude = BALKHASH[1]
    height_m = Decimal("120.00")
    diameter_m = Decimal("6.00")

    class Params:
        water = factory.Trait(
            medium=SourceMedium.WATER, kind=SourceKind.OUTLET, height_m=None, diameter_m=None,
            name=factory.LazyAttribute(lambda source: f"Outlet {source.code}"),
        )  # fmt: skip
        unorganised = factory.Trait(kind=SourceKind.UNORGANISED, height_m=None, diameter_m=None)


class EmissionLimitFactory(factory.django.DjangoModelFactory):
    """A limit of a permit on one of its enterprise's sources (g/s only for air)."""

    class Meta:
        model = EmissionLimit

    permit = factory.SubFactory(PermitFactory)
    source = factory.SubFactory(EmissionSourceFactory, enterprise=factory.SelfAttribute("..permit.enterprise"))
    substance = factory.SubFactory(SubstanceFactory)
    grams_per_second = factory.LazyAttribute(
        lambda limit: Decimal("1.500000") if limit.source.medium == SourceMedium.AIR else None
    )
    tonnes_per_year = Decimal("40.000000")


class PlacementLimitFactory(factory.django.DjangoModelFactory):
    """A waste placement limit of a permit on one of its enterprise's deposits."""

    class Meta:
        model = PlacementLimit

    permit = factory.SubFactory(PermitFactory)
    deposit = factory.SubFactory(DepositFactory, operator=factory.SelfAttribute("..permit.enterprise"))
    tonnes_per_year = Decimal("250000.000")
