"""List pages cost a fixed number of queries, however many rows they show (no N+1).

Each test measures with 10 rows, adds 990 (bulk_create) and measures again with 1,000, for users
whose visibility rules differ: nobody, an inspector of one region and staff of one enterprise.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.tests.cache import clear_test_cache
from registry.models import Deposit, Enterprise, Region
from registry.tests.factories import (
    DepositFactory,
    EnterpriseFactory,
    InspectorAssignmentFactory,
    MembershipFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

PAGE_OF_ALL = {"page_size": 1000}  # the API's largest page


def add_rows(count: int) -> None:
    """`count` regions, each with one enterprise operating one published deposit."""
    regions = Region.objects.bulk_create(RegionFactory.build() for _ in range(count))
    enterprises = Enterprise.objects.bulk_create(EnterpriseFactory.build(region=region) for region in regions)
    Deposit.objects.bulk_create(
        DepositFactory.build(operator=enterprise, region=enterprise.region, is_published=True)
        for enterprise in enterprises
    )


def measure(client, url, params=None):
    clear_test_cache()  # the rendering is measured, not the public page cache (rows are added behind its back)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, [query["sql"] for query in context.captured_queries]


@pytest.fixture
def users(db):
    return {"public": None, "inspector": InspectorAssignmentFactory().user, "staff": MembershipFactory().user}


def measure_all(clients, url, params=None):
    return {role: measure(client, url, params) for role, client in clients.items()}


def query_counts(measured):
    return {role: len(queries) for role, (_response, queries) in measured.items()}


def test_api_deposit_list(client_for, users):
    clients = {role: client_for(user) for role, user in users.items()}
    add_rows(10)
    few = measure_all(clients, "/api/v1/registry/deposits/", PAGE_OF_ALL)
    add_rows(990)
    many = measure_all(clients, "/api/v1/registry/deposits/", PAGE_OF_ALL)

    for role, (response, _queries) in many.items():
        assert few[role][0].data["count"] == 10
        assert response.data["count"] == len(response.data["results"]) == 1000, role
    assert query_counts(many) == query_counts(few), many["staff"][1]


@pytest.mark.parametrize(
    ("url", "model"), [("/api/v1/registry/enterprises/", Enterprise), ("/api/v1/registry/regions/", Region)]
)
def test_api_enterprise_and_region_lists(api_client, url, model):
    add_rows(10)
    few_response, few = measure(api_client, url, PAGE_OF_ALL)
    add_rows(990)
    many_response, many = measure(api_client, url, PAGE_OF_ALL)

    assert len(few_response.data["results"]) == 10
    assert len(many_response.data["results"]) == 1000
    assert len(many) == len(few), "\n".join(many)


def test_html_deposit_list(users):
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        if user is not None:
            clients[role].force_login(user)
    add_rows(10)
    few = measure_all(clients, "/registry/deposits/")
    add_rows(990)
    many = measure_all(clients, "/registry/deposits/")

    for role, (response, _queries) in many.items():
        assert few[role][0].context["page"].paginator.count == 10
        assert response.context["page"].paginator.count == 1000, role
        assert len(response.context["map_points"]) == 1000, role
    assert query_counts(many) == query_counts(few), many["staff"][1]
