"""An enterprise or a deposit edited drops its pages and the lists and maps that show it; the statistics, the API
and the other region's pages stay cached."""

from registry.models import Deposit, Enterprise

LISTS = {"deposits", "enterprises", "home"}


def test_an_enterprise_edited_drops_its_pages_its_deposits_and_the_lists(world, cached_after):
    def rename() -> None:
        enterprise = Enterprise.objects.get(pk=world.enterprise_k.pk)
        enterprise.name_en = "Karaganda Slag and Ash LLP"
        enterprise.save()

    still_cached = cached_after(rename)

    assert set(world.pages()) - still_cached == LISTS | {
        "enterprise K", "enterprise K statistics", "deposit K", "region K", "point map",
    }  # fmt: skip


def test_a_deposit_edited_drops_its_page_its_operator_its_region_and_the_lists(world, cached_after):
    def edit() -> None:
        deposit = Deposit.objects.get(pk=world.deposit_k.pk)
        deposit.name_en = "Balkhash slag dump No. 2"
        deposit.save()

    still_cached = cached_after(edit)

    assert set(world.pages()) - still_cached == LISTS | {
        "deposit K", "enterprise K", "enterprise K statistics", "region K",
    }  # fmt: skip


def test_a_deposit_moved_to_pavlodar_drops_both_regions_pages(world, cached_after, client):
    def move() -> None:
        deposit = Deposit.objects.get(pk=world.deposit_k.pk)
        deposit.region = world.pavlodar
        deposit.save()

    still_cached = cached_after(move)

    assert {"region K", "region P"} <= set(world.pages()) - still_cached
    assert "Karaganda slag dump" not in client.get(world.pages()["region K"]).content.decode()
    assert "Karaganda slag dump" in client.get(world.pages()["region P"]).content.decode()
