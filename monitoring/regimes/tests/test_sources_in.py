"""Which sources lie in a city: within its radius of the centre (great-circle distance), to air only."""

from decimal import Decimal

from monitoring.regimes.selectors import enterprises_in, sources_in
from registry.permits.tests.factories import EmissionSourceFactory
from registry.tests.factories import BALKHASH


def test_a_source_within_the_radius_is_in_the_city_and_one_beyond_is_not(city, stack_a, far_stack, outlet_a):
    # 0.08° of latitude is about 8.9 km (inside 10 km); 0.1° about 11.1 km (outside).
    near = EmissionSourceFactory(enterprise=stack_a.enterprise, code="0002", latitude=BALKHASH[0] + Decimal("0.08"))
    beyond = EmissionSourceFactory(enterprise=stack_a.enterprise, code="0003", latitude=BALKHASH[0] + Decimal("0.1"))
    found = set(sources_in(city))
    assert found == {stack_a, near}
    assert beyond not in found and far_stack not in found
    # A water outlet is at the same place, but a regime concerns the air.
    assert outlet_a in set(sources_in(city, medium=None))


def test_longitude_shrinks_with_latitude(city, enterprise_a):
    # At 46.84° N one degree of longitude is about 76 km: 0.12° is 9.1 km (inside), 0.14° 10.6 km (outside).
    inside = EmissionSourceFactory(enterprise=enterprise_a, code="E1", longitude=BALKHASH[1] + Decimal("0.12"))
    outside = EmissionSourceFactory(enterprise=enterprise_a, code="E2", longitude=BALKHASH[1] + Decimal("0.14"))
    assert set(sources_in(city)) == {inside}
    assert outside not in set(sources_in(city))


def test_enterprises_in_lists_each_enterprise_once(city, stack_a, stack_b, enterprise_a):
    EmissionSourceFactory(enterprise=enterprise_a, code="0002")
    assert list(enterprises_in(city)) == sorted([stack_a.enterprise, stack_b.enterprise], key=lambda e: e.pk)
