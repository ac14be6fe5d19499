"""Transfers reconciled: a sender's figure against its receiver's, listed for the inspectors of both regions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from registry.releases import reconciliation
from registry.releases.models import ReleaseYear, TransferDirection
from registry.releases.tests.factories import accepted_report
from registry.returns.models import WasteCode
from registry.tests.factories import EnterpriseFactory, next_valid_bin

pytestmark = pytest.mark.django_db

SLAG = "10 06 01"
YEAR = 2024


@pytest.fixture
def slag(db):
    return WasteCode.objects.create(code=SLAG, hazardous=False, chapter="10", name_en="Slags from primary production")


@pytest.fixture
def receiver(other_region):
    """B lies in another region than A, so that each region's inspector sees the transfer from one side."""
    return EnterpriseFactory(name="Receiver B LLP", region=other_region)


def sent(bin_: str, tonnes: str, **more: object) -> dict:
    return {"direction": TransferDirection.SENT, "waste_code": SLAG, "counterpart_bin": bin_, "tonnes": tonnes, **more}


def received(bin_: str, tonnes: str) -> dict:
    return {"direction": TransferDirection.RECEIVED, "waste_code": SLAG, "counterpart_bin": bin_, "tonnes": tonnes}


def test_100_sent_60_received_is_one_40_t_discrepancy_for_both_regions(
    slag, enterprise_a, receiver, inspector, other_inspector, administrator, web, client_for
):
    accepted_report(enterprise=enterprise_a, year=YEAR, transfers=[sent(receiver.bin, "100")])
    accepted_report(enterprise=receiver, year=YEAR, transfers=[received(enterprise_a.bin, "60")])

    for user in (inspector, other_inspector, administrator):
        [row] = reconciliation.discrepancies(user=user)
        assert (row.sender, row.receiver, row.sent, row.received) == (enterprise_a, receiver, 100, 60)
        assert row.difference == Decimal("40.000")
        assert row.sender_filed and row.receiver_filed
        page = web(user).get(reverse("releases:discrepancies")).content.decode()
        assert page.count('data-testid="discrepancy"') == 1
        assert enterprise_a.name in page and receiver.name in page and "100" in page and "60" in page and "40" in page
        [record] = client_for(user).get("/api/v1/releases/discrepancies/").json()["results"]
        assert (record["sent"], record["received"], record["difference"], record["unit"]) == (
            "100.000", "60.000", "40.000", "t",
        )  # fmt: skip
        assert record["sender"]["bin"] == enterprise_a.bin and record["receiver"]["name"] == receiver.name


def test_equal_figures_yield_none(slag, enterprise_a, receiver, inspector, other_inspector):
    accepted_report(enterprise=enterprise_a, year=YEAR, transfers=[sent(receiver.bin, "100")])
    accepted_report(enterprise=receiver, year=YEAR, transfers=[received(enterprise_a.bin, "100")])
    assert reconciliation.discrepancies(user=inspector) == []
    assert reconciliation.discrepancies(user=other_inspector) == []


def test_a_difference_within_the_years_tolerance_is_not_listed(slag, enterprise_a, receiver, administrator):
    ReleaseYear.objects.create(
        year=YEAR, deadline="2025-04-01", transfer_tolerance_tonnes=Decimal("5"), change_factor=Decimal("3")
    )
    accepted_report(enterprise=enterprise_a, year=YEAR, transfers=[sent(receiver.bin, "100")])
    accepted_report(enterprise=receiver, year=YEAR, transfers=[received(enterprise_a.bin, "96")])
    assert reconciliation.discrepancies(user=administrator) == []
    accepted_report(enterprise=receiver, year=YEAR, transfers=[received(enterprise_a.bin, "94")])  # a new version
    assert [row.gap for row in reconciliation.discrepancies(user=administrator)] == [Decimal("6.000")]


def test_lines_of_several_operations_are_summed(slag, enterprise_a, receiver, administrator):
    accepted_report(
        enterprise=enterprise_a,
        year=YEAR,
        transfers=[sent(receiver.bin, "70", operation="R4"), sent(receiver.bin, "30")],
    )
    accepted_report(enterprise=receiver, year=YEAR, transfers=[received(enterprise_a.bin, "100")])
    assert reconciliation.discrepancies(user=administrator) == []


def test_a_receiver_that_filed_nothing_counts_as_zero_and_says_so(slag, enterprise_a, receiver, other_inspector, web):
    accepted_report(enterprise=enterprise_a, year=YEAR, transfers=[sent(receiver.bin, "100")])
    [row] = reconciliation.discrepancies(user=other_inspector)
    assert (row.received, row.receiver_filed, row.sender_filed) == (0, False, True)
    page = web(other_inspector).get(reverse("releases:discrepancies")).content.decode()
    assert 'data-testid="not-filed"' in page


def test_a_bin_not_in_the_register_is_named_as_such(slag, enterprise_a, inspector, other_inspector, web):
    stranger = next_valid_bin()
    accepted_report(enterprise=enterprise_a, year=YEAR, transfers=[sent(stranger, "100")])
    [row] = reconciliation.discrepancies(user=inspector)
    assert (row.receiver, row.receiver_bin, row.received) == (None, stranger, 0)
    assert reconciliation.discrepancies(user=other_inspector) == []  # neither party in R2
    page = web(inspector).get(reverse("releases:discrepancies")).content.decode()
    assert 'data-testid="not-registered"' in page and stranger in page


def test_only_accepted_versions_count_and_the_year_filters(slag, enterprise_a, receiver, administrator, client_for):
    accepted_report(enterprise=enterprise_a, year=YEAR, transfers=[sent(receiver.bin, "100")])
    accepted_report(enterprise=enterprise_a, year=YEAR - 1, transfers=[sent(receiver.bin, "50")])
    accepted_report(enterprise=receiver, year=YEAR, transfers=[received(enterprise_a.bin, "100")])
    # A later draft of the receiver's with another figure does not count until accepted.
    report = accepted_report(enterprise=receiver, year=YEAR - 1, transfers=[received(enterprise_a.bin, "50")])
    draft = report.versions.create(number=2, created_by=administrator)
    draft.transfers.create(
        position=1, direction=TransferDirection.RECEIVED, waste_code=slag, hazardous=False, operation="D5",
        counterpart_bin=enterprise_a.bin, tonnes=Decimal("1"),
    )  # fmt: skip
    assert reconciliation.discrepancies(user=administrator) == []
    client = client_for(administrator)
    assert client.get("/api/v1/releases/discrepancies/?year=2024").json()["results"] == []
    assert client.get("/api/v1/releases/discrepancies/?year=x").status_code == 400


def test_staff_and_the_public_are_refused(slag, staff_a, web, client_for):
    assert web(staff_a).get(reverse("releases:discrepancies")).status_code == 403
    assert web(None).get(reverse("releases:discrepancies")).status_code == 302
    assert client_for(staff_a).get("/api/v1/releases/discrepancies/").status_code == 403
    assert client_for(None).get("/api/v1/releases/discrepancies/").status_code == 401


def test_queries_do_not_grow_with_the_transfers(slag, enterprise_a, administrator, django_assert_max_num_queries):
    def count() -> int:
        with django_assert_max_num_queries(20) as captured:
            reconciliation.discrepancies(user=administrator, year=YEAR)
        return len(captured.captured_queries)

    receivers = [EnterpriseFactory() for _ in range(6)]
    accepted_report(enterprise=enterprise_a, year=YEAR, transfers=[sent(receivers[0].bin, "10")])
    few = count()
    accepted_report(enterprise=enterprise_a, year=YEAR, transfers=[sent(each.bin, "10") for each in receivers])
    assert count() == few
