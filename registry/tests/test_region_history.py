"""Enterprises and deposits have a region over time: dated periods that tile all time, kept in step with today's
region, given their history by the recorded splits, and moved by a split where an outline places them; the rest
awaits an administrator."""

import datetime
import importlib
import io
import itertools
import json

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from portal.tests.audit import Log
from registry import region_history, services
from registry.geo import Outline
from registry.models import DepositRegionPeriod, Enterprise, EnterpriseRegionPeriod, Region, RegionSplit
from registry.reference import load_region_splits, load_regions
from registry.tests.factories import ALMATY, BALKHASH, DepositFactory, EnterpriseFactory, RegionFactory

pytestmark = pytest.mark.django_db

SPLIT_DAY = datetime.date(2022, 6, 8)
# A square around Balkhash; Almaty lies outside it.
SQUARE = {"type": "Polygon", "coordinates": [[[74, 46], [76, 46], [76, 48], [74, 48], [74, 46]]]}


def history(owner):
    return [
        (period.region.iso_code, period.valid_from, period.valid_to, period.awaiting_split_id)
        for period in region_history.periods_of(owner).select_related("region").order_by("valid_to")
    ]


def tiles(owner) -> bool:
    """The periods cover all time, each starting the day after the one before ends."""
    spans = sorted(
        ((p.valid_from, p.valid_to) for p in region_history.periods_of(owner)), key=lambda s: s[0] or datetime.date.min
    )
    starts_open, ends_open = spans[0][0] is None, spans[-1][1] is None
    joined = all(
        before[1] is not None and after[0] == before[1] + datetime.timedelta(days=1)
        for before, after in itertools.pairwise(spans)
    )
    return starts_open and ends_open and joined


@pytest.fixture
def kz(db):
    load_regions()
    load_region_splits()
    return {region.iso_code: region for region in Region.objects.all()}


@pytest.fixture
def parent(db):
    return RegionFactory(iso_code="KZ-P1", name_en="Parent")


@pytest.fixture
def new(db):
    return RegionFactory(iso_code="KZ-N1", name_en="New", valid_from=SPLIT_DAY)


def test_a_new_enterprise_in_abai_lay_in_east_kazakhstan_until_the_split(kz):
    enterprise = EnterpriseFactory(region=kz["KZ-10"])
    deposit = DepositFactory(operator=enterprise)

    expected = [("KZ-63", None, SPLIT_DAY - datetime.timedelta(days=1), None), ("KZ-10", SPLIT_DAY, None, None)]
    assert history(enterprise) == expected
    assert history(deposit) == expected
    assert (
        region_history.enterprise_region_on(enterprise_id=enterprise.pk, day=datetime.date(2021, 12, 31))
        == kz["KZ-63"].pk
    )


def test_an_enterprise_in_a_region_that_never_split_has_one_open_period(kz):
    enterprise = EnterpriseFactory(region=kz["KZ-55"])
    assert history(enterprise) == [("KZ-55", None, None, None)]


def test_a_changed_region_takes_effect_today(administrator, region, other_region):
    enterprise = EnterpriseFactory(region=region)
    services.enterprise_update(actor=administrator, enterprise=enterprise, fields={"region": other_region})

    today = timezone.localdate()
    assert history(enterprise) == [
        ("KZ-R1", None, today - datetime.timedelta(days=1), None),
        ("KZ-R2", today, None, None),
    ]
    enterprise.save()  # nothing changed: nothing is written
    assert len(history(enterprise)) == 2


def test_painting_splits_trims_and_merges(region, other_region, new):
    enterprise = EnterpriseFactory(region=region)
    day = datetime.date

    assert region_history.paint(enterprise, region=other_region, start=day(2020, 1, 1), end=day(2020, 12, 31))
    assert history(enterprise) == [
        ("KZ-R1", None, day(2019, 12, 31), None),
        ("KZ-R2", day(2020, 1, 1), day(2020, 12, 31), None),
        ("KZ-R1", day(2021, 1, 1), None, None),
    ]
    assert not region_history.paint(enterprise, region=other_region, start=day(2020, 3, 1), end=day(2020, 4, 1))
    region_history.paint(enterprise, region=region, start=day(2019, 6, 1), end=day(2021, 6, 1))
    assert history(enterprise) == [("KZ-R1", None, None, None)]
    assert tiles(enterprise)


def test_the_migration_gives_every_enterprise_and_deposit_one_open_period(region):
    deposit = DepositFactory(operator=EnterpriseFactory(region=region))
    EnterpriseRegionPeriod.objects.all().delete()
    DepositRegionPeriod.objects.all().delete()

    importlib.import_module("registry.migrations.0006_region_periods").one_period_each(apps, None)

    assert history(deposit.operator) == history(deposit) == [("KZ-R1", None, None, None)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's")
def test_the_database_refuses_overlapping_periods(region, other_region):
    enterprise = EnterpriseFactory(region=region)
    with pytest.raises(IntegrityError, match="enterprise_region_period_no_overlap"), transaction.atomic():
        EnterpriseRegionPeriod.objects.create(
            enterprise=enterprise,
            region=other_region,
            valid_from=datetime.date(2020, 1, 1),
            valid_to=datetime.date(2020, 2, 1),
        )


# Splits.


def split_world(parent):
    """Enterprises of the parent: one whose deposits lie inside the outline, one outside, one on both sides, one
    with none."""
    inside = EnterpriseFactory(region=parent, name="Inside LLP")
    outside = EnterpriseFactory(region=parent, name="Outside LLP")
    both = EnterpriseFactory(region=parent, name="Both LLP")
    bare = EnterpriseFactory(region=parent, name="Bare LLP")
    deposits = {
        "inside": DepositFactory(operator=inside, latitude=BALKHASH[0], longitude=BALKHASH[1]),
        "outside": DepositFactory(operator=outside, latitude=ALMATY[0], longitude=ALMATY[1]),
        "both_in": DepositFactory(operator=both, latitude=BALKHASH[0], longitude=BALKHASH[1]),
        "both_out": DepositFactory(operator=both, latitude=ALMATY[0], longitude=ALMATY[1]),
    }
    return {"inside": inside, "outside": outside, "both": both, "bare": bare}, deposits


def test_a_split_moves_what_its_outline_holds_and_lists_the_rest(administrator, parent, new):
    enterprises, deposits = split_world(parent)

    outcome = services.region_split(
        actor=administrator, parent=parent, region=new, date=SPLIT_DAY, outline=Outline(SQUARE)
    )

    assert outcome.moved == {"enterprises": 1, "deposits": 2}
    assert outcome.awaiting == {"enterprises": 2, "deposits": 0}
    split = outcome.split
    moved = [("KZ-P1", None, SPLIT_DAY - datetime.timedelta(days=1), None), ("KZ-N1", SPLIT_DAY, None, None)]
    assert history(enterprises["inside"]) == history(deposits["inside"]) == history(deposits["both_in"]) == moved
    assert history(enterprises["outside"]) == history(deposits["outside"]) == history(deposits["both_out"])
    assert history(deposits["both_out"]) == [("KZ-P1", None, None, None)]
    assert history(enterprises["both"]) == history(enterprises["bare"]) == [("KZ-P1", None, None, split.pk)]
    assert all(tiles(owner) for owner in [*enterprises.values(), *deposits.values()])
    # Today's region follows.
    assert Enterprise.objects.get(pk=enterprises["inside"].pk).region == new
    assert Enterprise.objects.get(pk=enterprises["both"].pk).region == parent


def test_without_an_outline_the_parents_enterprises_and_deposits_await_and_the_new_ones_get_their_past(
    administrator, parent, new
):
    split_world(parent)
    already_new = EnterpriseFactory(region=new)  # registered in the new region before the split was recorded

    outcome = services.region_split(actor=administrator, parent=parent, region=new, date=SPLIT_DAY)

    assert outcome.moved == {"enterprises": 0, "deposits": 0}
    assert outcome.awaiting == {"enterprises": 4, "deposits": 4}
    assert history(already_new) == [
        ("KZ-P1", None, SPLIT_DAY - datetime.timedelta(days=1), None),
        ("KZ-N1", SPLIT_DAY, None, None),
    ]
    assert set(EnterpriseRegionPeriod.objects.awaiting().values_list("enterprise__name", flat=True)) == {
        "Inside LLP", "Outside LLP", "Both LLP", "Bare LLP"
    }  # fmt: skip


def test_an_administrator_moves_or_keeps_what_awaits(administrator, parent, new):
    enterprises, _deposits = split_world(parent)
    services.region_split(actor=administrator, parent=parent, region=new, date=SPLIT_DAY)
    periods = {p.enterprise.name: p for p in EnterpriseRegionPeriod.objects.awaiting().select_related("enterprise")}
    log = Log()

    services.region_period_decide(actor=administrator, period=periods["Both LLP"], move=True)
    services.region_period_decide(actor=administrator, period=periods["Bare LLP"], move=False)

    assert history(enterprises["both"]) == [
        ("KZ-P1", None, SPLIT_DAY - datetime.timedelta(days=1), None),
        ("KZ-N1", SPLIT_DAY, None, None),
    ]
    assert history(enterprises["bare"]) == [("KZ-P1", None, None, None)]
    assert Enterprise.objects.get(pk=enterprises["both"].pk).region == new
    assert {record.kind for record in log.records(EnterpriseRegionPeriod)} == {"create", "update"}
    with pytest.raises(ValidationError, match="awaits no decision"):
        services.region_period_decide(actor=administrator, period=periods["Bare LLP"], move=True)


@pytest.mark.parametrize("who", ["staff_a", "inspector"])
def test_only_administrators_apply_splits_and_decide(request, who, administrator, parent, new):
    user = request.getfixturevalue(who)
    EnterpriseFactory(region=parent)
    with pytest.raises(PermissionDenied):
        services.region_split(actor=user, parent=parent, region=new, date=SPLIT_DAY)
    assert not RegionSplit.objects.exists()

    services.region_split(actor=administrator, parent=parent, region=new, date=SPLIT_DAY)
    period = EnterpriseRegionPeriod.objects.awaiting().get()
    with pytest.raises(PermissionDenied):
        services.region_period_decide(actor=user, period=period, move=True)
    assert EnterpriseRegionPeriod.objects.awaiting().get() == period


LATER = timezone.localdate() + datetime.timedelta(days=30)


@pytest.mark.parametrize(
    ("valid_from", "day", "message"),
    [(SPLIT_DAY + datetime.timedelta(days=1), SPLIT_DAY, "must be the date of the split"),
     (LATER, LATER, "on or after its date")],
)  # fmt: skip
def test_a_split_must_match_the_new_regions_dates(administrator, parent, new, valid_from, day, message):
    new.valid_from = valid_from
    new.save()
    with pytest.raises(ValidationError, match=message):
        services.region_split(actor=administrator, parent=parent, region=new, date=day)


def test_loading_the_splits_twice_applies_them_once(kz):
    assert RegionSplit.objects.count() == 3
    assert load_region_splits() == 0


def test_the_command_applies_a_split_as_an_administrator(administrator, staff_a, parent, new, tmp_path):
    enterprises, _deposits = split_world(parent)
    outline = tmp_path / "new.geojson"
    outline.write_text(json.dumps({"type": "Feature", "geometry": SQUARE}))
    arguments = ["split_region", "KZ-P1", "KZ-N1", "2022-06-08", "--outline", str(outline)]

    with pytest.raises(CommandError):
        call_command(*arguments, "--as", "staff_a", stdout=io.StringIO())
    out, log = io.StringIO(), Log()
    call_command(*arguments, "--as", "administrator", stdout=out)

    assert "moved: 1 enterprises, 2 deposits" in out.getvalue()
    assert enterprises["bare"].bin in out.getvalue()
    assert [record.user for record in log.records(RegionSplit)] == [administrator]


# The admin.


def test_the_admin_applies_a_split_and_decides_what_awaits(web, administrator, parent, new):
    enterprises, _deposits = split_world(parent)
    client = web(administrator)
    outline = SimpleUploadedFile("new.geojson", json.dumps(SQUARE).encode(), content_type="application/geo+json")

    response = client.post(
        "/admin/registry/regionsplit/add/",
        {"parent": parent.pk, "region": new.pk, "date": "2022-06-08", "outline_file": outline},
    )

    assert response.status_code == 302, response.content.decode()
    assert Enterprise.objects.get(pk=enterprises["inside"].pk).region == new
    listing = client.get("/admin/registry/enterpriseregionperiod/", {"awaiting": "yes"})
    assert {row.enterprise.name for row in listing.context["cl"].result_list} == {"Both LLP", "Bare LLP"}

    waiting = EnterpriseRegionPeriod.objects.awaiting().get(enterprise=enterprises["both"])
    log = Log()
    response = client.post(
        "/admin/registry/enterpriseregionperiod/",
        {"action": "move_to_new_region", "_selected_action": [waiting.pk]},
    )

    assert response.status_code == 302
    assert Enterprise.objects.get(pk=enterprises["both"].pk).region == new
    assert {record.user for record in log.records(EnterpriseRegionPeriod)} == {administrator}
    split_page = client.get(f"/admin/registry/regionsplit/{RegionSplit.objects.get().pk}/change/")
    assert split_page.status_code == 200
    assert "1 regions of enterprises over time" in split_page.content.decode()


def test_an_outline_that_is_not_a_polygon_is_refused_in_the_admin(web, administrator, parent, new):
    outline = SimpleUploadedFile("new.geojson", b'{"type": "Point", "coordinates": [75, 47]}')
    response = web(administrator).post(
        "/admin/registry/regionsplit/add/",
        {"parent": parent.pk, "region": new.pk, "date": "2022-06-08", "outline_file": outline},
    )
    assert response.status_code == 200
    assert "not a GeoJSON polygon" in response.content.decode()
    assert not RegionSplit.objects.exists()
