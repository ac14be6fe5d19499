"""Filters of GET /api/v1/returns/ (and the list page): enterprise BIN, year, status, region ISO code,
late, has_warnings."""

import datetime

import pytest
from django.utils import timezone

from registry.returns.tests import helpers
from registry.returns.tests.helpers import SLAG, YEAR, line
from registry.tests.factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/returns/"


@pytest.fixture
def returns(staff_a, staff_b, inspector, enterprise_a, enterprise_b, other_region, filing_years):
    """A2023 accepted; A2024 submitted with a confirmed warning; B2024 submitted late; B2023 a draft;
    C2024 a draft of an enterprise in the other region."""
    a2023 = helpers.accepted(staff_a, inspector, enterprise_a, YEAR - 1, [line(SLAG)])
    a2024 = helpers.submit(staff_a, helpers.create(staff_a, enterprise_a, YEAR, [line(SLAG, opening="100")]))
    b2023 = helpers.create(staff_b, enterprise_b, YEAR - 1)
    filing_years[YEAR].deadline = timezone.localdate() - datetime.timedelta(days=1)
    filing_years[YEAR].save()
    b2024 = helpers.submit(staff_b, helpers.create(staff_b, enterprise_b, YEAR))
    enterprise_c = EnterpriseFactory(name="Enterprise C LLP", region=other_region)
    staff_c = MembershipFactory(enterprise=enterprise_c).user
    c2024 = helpers.create(staff_c, enterprise_c, YEAR)
    assert [item["key"] for item in a2024.current.warnings] == ["opening:1"]
    assert (a2024.late, b2024.late) == (False, True)
    return {"a2023": a2023, "a2024": a2024, "b2023": b2023, "b2024": b2024, "c2024": c2024}


def listed(client, returns, **params):
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    names = {item.pk: name for name, item in returns.items()}
    return sorted(names[item["id"]] for item in response.json()["results"])


INSPECTOR_CASES = [
    ({}, ["a2023", "a2024", "b2023", "b2024"]),
    ({"has_warnings": "true"}, ["a2024", "b2024"]),
    ({"has_warnings": "false"}, ["a2023", "b2023"]),
    ({"late": "true"}, ["b2024"]),
    ({"late": "false"}, ["a2023", "a2024", "b2023"]),
    ({"year": YEAR - 1}, ["a2023", "b2023"]),
    ({"status": "submitted"}, ["a2024", "b2024"]),
    ({"status": "accepted"}, ["a2023"]),
    ({"status": "draft"}, ["b2023"]),
    ({"region": "KZ-R1"}, ["a2023", "a2024", "b2023", "b2024"]),
    ({"region": "KZ-R2"}, []),
    ({"status": "submitted", "late": "false", "has_warnings": "true"}, ["a2024"]),
]


def test_filters(client_for, inspector, administrator, other_inspector, staff_a, returns, enterprise_a, enterprise_b):
    """One world, every filter (building the world is the slow part)."""
    client = client_for(inspector)
    cases = [
        *INSPECTOR_CASES,
        ({"enterprise": enterprise_a.bin}, ["a2023", "a2024"]),
        ({"enterprise": enterprise_b.bin, "year": YEAR}, ["b2024"]),
        ({"enterprise": "000000000000"}, []),
    ]
    answers = {str(params): listed(client, returns, **params) for params, _ in cases}
    assert answers == {str(params): expected for params, expected in cases}
    # the administrator sees every region; a filter never widens what a user sees
    assert listed(client_for(administrator), returns, region="KZ-R2") == ["c2024"]
    assert listed(client_for(administrator), returns, region="KZ-R1", late="true") == ["b2024"]
    assert listed(client_for(other_inspector), returns, region="KZ-R1") == []
    assert listed(client_for(staff_a), returns, enterprise=enterprise_b.bin) == []


@pytest.mark.parametrize("params", [{"region": "KZ-XX"}, {"status": "lost"}, {"year": "last"}])
def test_a_bad_filter_value_is_400(client_for, inspector, params):
    assert client_for(inspector).get(API, params).status_code == 400


def test_the_list_page_filters_alike(web, inspector, returns):
    page = web(inspector).get("/returns/", {"late": "true"}).content.decode()
    shown = [name for name, item in returns.items() if f'href="/returns/{item.pk}/"' in page]
    assert shown == ["b2024"]
