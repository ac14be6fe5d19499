import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from monitoring.regimes.models import City, Regime
from portal.tests.factories import UserFactory
from registry.tests.factories import BALKHASH, RegionFactory


class CityFactory(factory.django.DjangoModelFactory):
    """A city of 10 km around the Balkhash location the registry's factories give sources."""

    class Meta:
        model = City

    code = factory.Sequence(lambda n: f"city-{n}")
    name = factory.LazyAttribute(lambda city: city.code.title())
    name_en = factory.LazyAttribute(lambda city: city.name)
    region = factory.SubFactory(RegionFactory)
    latitude = BALKHASH[0]
    longitude = BALKHASH[1]
    radius_km = Decimal("10.0")


class RegimeFactory(factory.django.DjangoModelFactory):
    """A 2nd-degree regime of two days that began an hour ago."""

    class Meta:
        model = Regime

    city = factory.SubFactory(CityFactory)
    degree = 2
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda regime: regime.starts_at + datetime.timedelta(days=2))
    bulletin = "Kazhydromet bulletin No. 12 (test)"
    declared_by = factory.SubFactory(UserFactory)
