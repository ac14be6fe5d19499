"""Public statistics are cached, and a changed aggregate is visible at once."""

from decimal import Decimal

import pytest

from registry.models import Region
from registry.reference import load_regions
from reports.aggregates import recompute
from reports.models import WasteAggregate
from reports.reference import load_published_statistics


@pytest.fixture(autouse=True)
def statistics(db, django_capture_on_commit_callbacks):
    load_regions()
    with django_capture_on_commit_callbacks(execute=True):
        load_published_statistics()


def test_pages_are_served_from_the_cache(client, django_assert_max_num_queries):
    client.get("/statistics/regions/")
    with django_assert_max_num_queries(2):  # the session and language, not the statistics
        client.get("/statistics/regions/")


def test_an_aggregate_change_invalidates_the_cached_pages(client, django_capture_on_commit_callbacks):
    assert "55,555.6" not in client.get("/statistics/regions/").content.decode()
    WasteAggregate.objects.create(
        year=2023, region=Region.objects.get(iso_code="KZ-35"), held=Decimal("55555555"), generated=0, received=0,
        recycled=0, disposed=0, transferred=0,
    )  # fmt: skip
    assert "55,555.6" not in client.get("/statistics/regions/").content.decode()  # still the cached table
    with django_capture_on_commit_callbacks(execute=True):
        recompute("monitoring")  # a full recompute is not narrowed: it bumps every answer's tag (ALL)
    assert "55,555.6" in client.get("/statistics/regions/").content.decode()
