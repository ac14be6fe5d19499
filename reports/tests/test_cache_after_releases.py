"""A release report accepted in Karaganda drops only the release statistics that show it: the national totals of
its year and of every year, Karaganda's of its year; Pavlodar's, the other years' and the waste and monitoring
statistics stay cached."""

from decimal import Decimal

import pytest

from registry.releases.tests.factories import ReleaseThresholdFactory, SubstanceFactory, accepted_report

RELEASE_PAGES = {
    "releases page": "/statistics/releases/",
    "releases page 2023": "/statistics/releases/?year=2023",
    "releases page 2022": "/statistics/releases/?year=2022",
    "API releases": "/api/v1/stats/releases/",
    "API releases 2023 KZ": "/api/v1/stats/releases/?year=2023&region=KZ",
    "API releases 2023 K": "/api/v1/stats/releases/?year=2023&region=KZ-35",
    "API releases 2023 K SOx": "/api/v1/stats/releases/?year=2023&region=KZ-35&pollutant=SOx&medium=air",
    "API releases 2023 P": "/api/v1/stats/releases/?year=2023&region=KZ-55",
    "API releases 2022 K": "/api/v1/stats/releases/?year=2022&region=KZ-35",
}


@pytest.fixture
def followed(world):
    ReleaseThresholdFactory(substance=SubstanceFactory(code="SOx"), kg_per_year=Decimal("150000"))
    world.extra_pages.update(RELEASE_PAGES)
    return world


def test_a_release_report_accepted_in_karaganda_drops_only_what_shows_it(followed, cached_after):
    still_cached = cached_after(
        lambda: accepted_report(
            enterprise=followed.enterprise_k, year=2023,
            releases=[{"substance": "SOx", "medium": "air", "kg_per_year": "300000"}], announce=True,
        )
    )  # fmt: skip

    assert set(RELEASE_PAGES) - still_cached == {
        "releases page", "releases page 2023", "API releases", "API releases 2023 KZ", "API releases 2023 K",
        "API releases 2023 K SOx",
    }  # fmt: skip
    for name in ("region K", "region P", "regional table", "API waste 2023 K", "API monitoring 2024 K"):
        assert name in still_cached


def test_the_dropped_answers_show_the_new_totals(followed, cached_after, client):
    cached_after(
        lambda: accepted_report(
            enterprise=followed.enterprise_k, year=2023,
            releases=[{"substance": "SOx", "medium": "air", "kg_per_year": "4242424.5"}], announce=True,
        )
    )  # fmt: skip

    records = client.get(RELEASE_PAGES["API releases 2023 K"]).json()["results"]
    assert [(record["pollutant"], record["value"], record["unit"]) for record in records] == [
        ("SOx", "4242424.50000", "kg/yr")
    ]
    assert "4,242,424.5" in client.get(RELEASE_PAGES["releases page"]).content.decode()
