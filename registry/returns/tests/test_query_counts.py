"""The list of returns costs a fixed number of queries, however many returns it shows (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import Enterprise, Membership
from registry.returns.models import ReturnStatus, ReturnVersion, WasteReturn
from registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def add_returns(count, region, staff, years=(2024, 2023)):
    """`count` returns in `region`, each of its own enterprise (which `staff` is a member of);
    every other one accepted, so that rows with and without an accepted version are listed."""
    enterprises = Enterprise.objects.bulk_create(EnterpriseFactory.build(region=region) for _ in range(count))
    Membership.objects.bulk_create(Membership(user=staff, enterprise=enterprise) for enterprise in enterprises)
    returns = WasteReturn.objects.bulk_create(
        WasteReturn(enterprise=enterprise, year=years[number % len(years)])
        for number, enterprise in enumerate(enterprises)
    )
    versions = ReturnVersion.objects.bulk_create(
        ReturnVersion(
            waste_return=waste_return,
            number=1,
            created_by=staff,
            status=ReturnStatus.ACCEPTED if number % 2 else ReturnStatus.SUBMITTED,
            warnings=[{"key": "late", "line": None, "field": "submitted_at", "message": "Late."}] if number % 3 else [],
        )
        for number, waste_return in enumerate(returns)
    )
    for number, (waste_return, version) in enumerate(zip(returns, versions, strict=True)):
        waste_return.current = version
        waste_return.accepted = version if number % 2 else None
    WasteReturn.objects.bulk_update(returns, ["current", "accepted"])


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, len(context.captured_queries)


@pytest.fixture
def users(staff_a, inspector, administrator):
    return {"staff": staff_a, "inspector": inspector, "administrator": administrator}


@pytest.mark.parametrize("role", ["staff", "inspector", "administrator"])
@pytest.mark.parametrize("params", [{}, {"has_warnings": "true", "status": "accepted"}], ids=["all", "filtered"])
def test_api_list_costs_the_same_for_5_and_50_returns(client_for, users, region, staff_a, role, params):
    client = client_for(users[role])
    add_returns(5, region, staff_a)
    few, few_queries = count_queries(client, "/api/v1/returns/", params)
    add_returns(45, region, staff_a)
    many, many_queries = count_queries(client, "/api/v1/returns/", params)
    if not params:
        assert (few.json()["count"], len(many.json()["results"])) == (5, 50)
    assert many.json()["count"] > few.json()["count"] > 0
    assert many_queries == few_queries


@pytest.mark.parametrize("years", [(2024, 2023), (2021, 2020, 2019)], ids=["stored-deadlines", "default-deadlines"])
def test_list_page_costs_the_same_for_5_and_50_returns(web, inspector, region, staff_a, years):
    """(conftest.py stores filing years 2022-2025; earlier years use the default deadline.)"""
    client = web(inspector)
    add_returns(5, region, staff_a, years)
    _, few_queries = count_queries(client, "/returns/")
    add_returns(45, region, staff_a, years)
    _, many_queries = count_queries(client, "/returns/")
    assert many_queries == few_queries
