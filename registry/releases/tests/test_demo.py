"""The demo smelter (registry.releases.demo): the public register shows its 23,000 t a year to air by pollutant and
source against its permit's limits, one source over its limit in 2024, the mercury below its threshold held back,
and the filter cake its receiver reports differently listed for the inspectors of both regions. The over-limit
alert it opens is checked where monitoring may be imported (reports/tests/test_releases_demo.py)."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from portal.models import User
from registry.demo import load_demo
from registry.models import Enterprise, InspectorAssignment, Region
from registry.permits.models import EmissionLimit, EmissionSource, Permit, PermitStatus
from registry.releases import reconciliation, register
from registry.releases.compliance import ComplianceStatus, compliance_rows
from registry.releases.demo import load_releases_demo
from registry.releases.models import ReleaseLine, ReleaseReport, TransferLine
from registry.tests.factories import InspectorAssignmentFactory
from registry.validators import bin_check_digit

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, in a transaction rolled back after its last test (each test runs in a
    savepoint of it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        load_releases_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def smelter(demo, db):
    return Enterprise.objects.get(memberships__user__username="smelter")


def inspector_of(iso_code):
    return InspectorAssignmentFactory(region=Region.objects.get(iso_code=iso_code)).user


def tonnes(kg: Decimal) -> Decimal:
    return kg / 1000


def test_the_smelter_is_a_synthetic_enterprise_of_east_kazakhstan_named_in_three_languages(smelter):
    assert (smelter.synthetic, smelter.region.iso_code) == (True, "KZ-63")
    assert all("Demo" in smelter.name_en and "Демо" in name for name in (smelter.name_ru, smelter.name_kk))
    assert bin_check_digit(smelter.bin[:11]) == int(smelter.bin[11])
    # The demo inspector works East Kazakhstan too; the demo staff account stays with the Balkhash plant only.
    assert InspectorAssignment.objects.filter(user__username="inspector", region=smelter.region).exists()
    assert Enterprise.objects.filter(memberships__user__username="staff").count() == 1


def test_a_verified_category_1_permit_replaces_an_older_one_and_limits_every_source(smelter):
    new = Permit.objects.get(enterprise=smelter, replaces__isnull=False)
    assert (new.category, new.status, new.replaces.status) == (1, PermitStatus.VERIFIED, PermitStatus.VERIFIED)
    sources = EmissionSource.objects.filter(enterprise=smelter)
    assert 5 <= sources.count() <= 8
    assert sources.filter(kind="outlet").count() == 1
    assert not sources.filter(kind="organised", height_m__isnull=True).exists()
    limits = EmissionLimit.objects.filter(permit=new)
    assert set(limits.values_list("source__code", flat=True)) == set(sources.values_list("code", flat=True))
    assert not limits.filter(source__medium="air", grams_per_second__isnull=True).exists()


def test_the_public_register_shows_23000_tonnes_to_air_by_pollutant_and_source_against_limits(smelter):
    page = register.facility(smelter, user=AnonymousUser())

    assert (page.own_view, page.years, page.year) == (False, [2020, 2021, 2022, 2023, 2024], 2024)
    air = next(table for table in page.media if table.medium == "air")
    assert dict(air.totals)[2024] == Decimal("23000")
    latest = {row.substance.code: tonnes(row.cells[-1].kg) for row in air.rows}
    assert latest == {
        "As": Decimal("3.4"), "Cd": Decimal("1.6"), "CO": Decimal("2835.8"), "Cu": Decimal("7.2"),
        "NOx": Decimal("780"), "PM10": Decimal("182"), "Pb": Decimal("38"), "SOx": Decimal("19100"),
        "Zn": Decimal("52"),
    }  # fmt: skip
    # Believable years: each within a tenth of the latest.
    assert all(abs(total - 23000) < 2300 for _year, total in air.totals)
    by_source: dict[str, Decimal] = defaultdict(Decimal)
    for row in page.sources:
        assert row.permitted_tonnes is not None, row
        by_source[row.source.code] += row.released_tonnes or 0
    assert sum(by_source[code] for code in by_source if code != "W001") == Decimal("23000")
    over = [row for row in page.sources if row.status == ComplianceStatus.OVER_LIMIT]
    assert [(row.source.code, row.substance.code) for row in over] == [("0001", "SOx")]
    assert over[0].ratio == pytest.approx(7560 / 7000)


def test_only_2024_is_over_a_limit(smelter):
    for year in (2020, 2021, 2022, 2023):
        rows = compliance_rows(smelter, year, published_only=False)
        assert rows and not [row for row in rows if row.status == ComplianceStatus.OVER_LIMIT], year


def test_the_mercury_below_its_threshold_is_kept_and_counted_in_the_own_view_never_published(smelter):
    mercury = ReleaseLine.objects.filter(version__report__enterprise=smelter, substance__code="Hg")
    assert mercury.filter(version__report__accepted__isnull=False).exists()
    assert all(line.kg_per_year < 10 for line in mercury)

    public = register.facility(smelter, user=AnonymousUser())
    assert "Hg" not in {row.substance.code for table in public.media for row in table.rows}
    assert not register.published_lines().filter(substance__code="Hg").exists()

    staff = User.objects.get(username="smelter")
    own = register.facility(smelter, user=staff)
    air = next(table for table in own.media if table.medium == "air")
    hg = next(row for row in air.rows if row.substance.code == "Hg")
    assert hg.cells[-1].kg == Decimal("5.8") and not hg.cells[-1].published
    assert dict(air.totals)[2024] == Decimal("23000.0058")


def test_the_filter_cake_received_short_is_one_discrepancy_for_the_inspectors_of_both_regions(smelter):
    receiver = Enterprise.objects.get(bin=TransferLine.objects.get(direction="sent", tonnes=1240).counterpart_bin)
    assert receiver.region.iso_code == "KZ-35"

    for user in (inspector_of("KZ-63"), inspector_of("KZ-35"), User.objects.get(username="inspector")):
        rows = reconciliation.discrepancies(user=user)
        assert [(row.year, row.sender, row.receiver, row.sent, row.received) for row in rows] == [
            (2024, smelter, receiver, Decimal("1240"), Decimal("1090"))
        ], user
        assert rows[0].waste_code.code == "10 05 06" and rows[0].gap == Decimal("150")
    assert reconciliation.discrepancies(user=inspector_of("KZ-75")) == []


def test_loading_twice_changes_nothing(smelter):
    counts = [model.objects.count() for model in (Permit, EmissionSource, EmissionLimit, ReleaseReport, ReleaseLine)]
    load_releases_demo()
    assert [model.objects.count() for model in (Permit, EmissionSource, EmissionLimit, ReleaseReport, ReleaseLine)] == (
        counts
    )
