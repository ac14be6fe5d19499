"""A recompute of the aggregates drops the answers of the year and region it recomputed (and of any other region
whose coverage of that year changed), with the national figures of that year; a full rebuild is not narrowed."""

from registry.tests.factories import EnterpriseFactory, MembershipFactory
from reports.aggregates import rebuild_all, recompute
from reports.models import WasteAggregate

KARAGANDA_2023 = {"region K", "regional table", "dashboard", "home", "API waste", "API waste 2023", "API waste K",
                  "API waste 2023 K"}  # fmt: skip


def test_a_recompute_of_karaganda_2023_drops_only_karaganda_and_the_national_figures(world, cached_after):
    WasteAggregate.objects.create(
        year=2023, region=world.karaganda, held=55, generated=55, received=0, recycled=0, disposed=0, transferred=0
    )

    still_cached = cached_after(lambda: recompute("waste", year=2023, region_id=world.karaganda.pk))

    assert set(world.pages()) - still_cached == KARAGANDA_2023


def test_a_recompute_of_pavlodar_leaves_karaganda_cached(world, cached_after):
    still_cached = cached_after(lambda: recompute("waste", year=2023, region_id=world.pavlodar.pk))

    assert set(world.pages()) - still_cached == {
        "region P", "regional table", "dashboard", "home", "API waste", "API waste 2023", "API waste 2023 P",
    }  # fmt: skip


def test_a_full_rebuild_drops_everything(world, cached_after):
    assert cached_after(rebuild_all) == set()


def test_a_recompute_of_pavlodar_that_counts_a_new_karaganda_filer_drops_karaganda_too(world, cached_after):
    """The coverage of every region of the year is recomputed with Pavlodar's figures: an enterprise that became
    expected in Karaganda meanwhile (no mark: a staff account) shows at once, as the table does."""
    MembershipFactory(enterprise=EnterpriseFactory(region=world.karaganda))

    still_cached = cached_after(lambda: recompute("waste", year=2023, region_id=world.pavlodar.pk))

    assert set(world.pages()) - still_cached == KARAGANDA_2023 | {"region P", "API waste 2023 P"}
