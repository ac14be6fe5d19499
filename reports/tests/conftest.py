"""A small public world for the cache tests: two regions (Karaganda and Pavlodar), each with an enterprise, its
staff, an inspector and a published deposit, the published statistics, and accepted 2023 figures in Pavlodar; and
the public answers whose caching the tests follow through a write (`cached_after`)."""

from dataclasses import dataclass, field
from typing import Any

import pytest

from registry.models import Region
from registry.reference import load_regions
from registry.returns.reference import load_waste_codes
from registry.tests.factories import DepositFactory, EnterpriseFactory, InspectorAssignmentFactory, MembershipFactory
from reports.cache import HIT_HEADER
from reports.reference import load_published_statistics
from reports.tests.test_aggregates import accept, line


@dataclass
class World:
    karaganda: Region
    pavlodar: Region
    # Built by the factories, which the type checker sees as factories.
    enterprise_k: Any
    enterprise_p: Any
    deposit_k: Any
    deposit_p: Any
    staff_k: Any
    inspector_k: Any
    # Answers a test adds to follow, by name (a point's popup, for a point it made).
    extra_pages: dict[str, str] = field(default_factory=dict)

    def pages(self) -> dict[str, str]:
        """A name for each public answer the tests follow, and its URL."""
        k, p = self.enterprise_k.pk, self.enterprise_p.pk
        return {
            "home": "/",
            "deposits": "/registry/deposits/",
            "deposit K": f"/registry/deposits/{self.deposit_k.pk}/",
            "deposit P": f"/registry/deposits/{self.deposit_p.pk}/",
            "enterprises": "/registry/enterprises/",
            "enterprise K": f"/registry/enterprises/{k}/",
            "enterprise P": f"/registry/enterprises/{p}/",
            "enterprise K statistics": f"/statistics/enterprises/{k}/",
            "enterprise P statistics": f"/statistics/enterprises/{p}/",
            "outlines": "/registry/regions/outlines.geojson",
            "point map": "/monitoring/points/",
            "dashboard": "/statistics/",
            "regional table": "/statistics/regions/",
            "region K": "/statistics/regions/KZ-35/",
            "region P": "/statistics/regions/KZ-55/",
            "API waste": "/api/v1/stats/waste/",
            "API waste 2023": "/api/v1/stats/waste/?year=2023",
            "API waste 2022": "/api/v1/stats/waste/?year=2022",
            "API waste K": "/api/v1/stats/waste/?region=KZ-35",
            "API waste 2023 K": "/api/v1/stats/waste/?year=2023&region=KZ-35",
            "API waste 2023 P": "/api/v1/stats/waste/?year=2023&region=KZ-55",
            "API waste 2022 K": "/api/v1/stats/waste/?year=2022&region=KZ-35",
            "API monitoring": "/api/v1/stats/monitoring/",
            "API monitoring 2024 K": "/api/v1/stats/monitoring/?year=2024&region=KZ-35",
            "API monitoring 2024 P": "/api/v1/stats/monitoring/?year=2024&region=KZ-55",
            "API monitoring 2023 K": "/api/v1/stats/monitoring/?year=2023&region=KZ-35",
            **self.extra_pages,
        }


@pytest.fixture
def world(db, django_capture_on_commit_callbacks) -> World:
    load_regions()
    load_waste_codes()
    karaganda, pavlodar = Region.objects.get(iso_code="KZ-35"), Region.objects.get(iso_code="KZ-55")
    enterprise_k = EnterpriseFactory(name="Karaganda slag LLP", region=karaganda)
    enterprise_p = EnterpriseFactory(name="Pavlodar ash LLP", region=pavlodar)
    staff_p = MembershipFactory(enterprise=enterprise_p).user
    inspector_p = InspectorAssignmentFactory(region=pavlodar).user
    built = World(
        karaganda=karaganda,
        pavlodar=pavlodar,
        enterprise_k=enterprise_k,
        enterprise_p=enterprise_p,
        deposit_k=DepositFactory(name="Karaganda slag dump", operator=enterprise_k, is_published=True),
        deposit_p=DepositFactory(name="Pavlodar ash dump", operator=enterprise_p, is_published=True),
        staff_k=MembershipFactory(enterprise=enterprise_k).user,
        inspector_k=InspectorAssignmentFactory(region=karaganda).user,
    )
    # Last, so that the coverage computed with these figures counts every enterprise expected to file.
    with django_capture_on_commit_callbacks(execute=True):
        load_published_statistics()
        accept(staff_p, inspector_p, enterprise_p, 2023, [line("10 01 01", None, "", "0", "40", "0")])
    return built


@pytest.fixture
def cached_after(client, world, django_capture_on_commit_callbacks):
    """Fills the cache with every answer of `world.pages()`, runs `write` (its commit callbacks too: the tags are
    bumped, the aggregates refreshed), and gives the names of the answers still served from the cache."""

    def run(write) -> set[str]:
        pages = world.pages()
        for url in pages.values():
            assert client.get(url).status_code == 200, url
        assert {name for name, url in pages.items() if client.get(url)[HIT_HEADER] != "hit"} == set()
        with django_capture_on_commit_callbacks(execute=True):
            write()
        return {name for name, url in pages.items() if client.get(url)[HIT_HEADER] == "hit"}

    return run
