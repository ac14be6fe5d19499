"""Who may read and write what, over the API.

Enterprises A and B operate in region R1; A also has a deposit in region R2. Each case is one request
made by every role in turn; the expected status codes are listed in ROLES order. Paths name deposits
by their fixture key ({b_hidden}) and enterprises by {A} and {B} (their BINs). Each role's request
runs in a savepoint that is rolled back, so the roles do not see one another's writes.
"""

from types import SimpleNamespace

import pytest
from django.db import transaction

from portal.models import ChangeRecord
from registry.tests.factories import DepositFactory, deposit_payload

pytestmark = pytest.mark.django_db

ROLES = ("public", "staff_a", "staff_b", "inspector_r1", "inspector_r2", "administrator")
API = "/api/v1/registry/"


@pytest.fixture
def users(staff_a, staff_b, inspector, other_inspector, administrator):
    return dict(zip(ROLES, [None, staff_a, staff_b, inspector, other_inspector, administrator], strict=True))


@pytest.fixture
def world(region, other_region, enterprise_a, enterprise_b, users):
    deposits = {
        "a_pub": DepositFactory(name="a_pub", operator=enterprise_a, region=region, is_published=True),
        "a_hidden": DepositFactory(name="a_hidden", operator=enterprise_a, region=region),
        "b_pub": DepositFactory(name="b_pub", operator=enterprise_b, region=region, is_published=True),
        "b_hidden": DepositFactory(name="b_hidden", operator=enterprise_b, region=region),
        "a_r2_hidden": DepositFactory(name="a_r2_hidden", operator=enterprise_a, region=other_region),
    }
    keys = {"R1": region.iso_code, "A": enterprise_a.bin, "B": enterprise_b.bin}
    keys.update({name: deposit.pk for name, deposit in deposits.items()})
    return SimpleNamespace(a=enterprise_a, b=enterprise_b, keys=keys, users=users)


def deposit_of_a(world):
    return deposit_payload(world.a)


def deposit_of_b(world):
    return deposit_payload(world.b)


def operator_b(world):
    return {"operator": world.b.bin}


SURVEY = {"year": 2025, "tonnage_t": "1100000.0"}
COMPONENT = {"component": "Cu", "mean": "0.8"}
ENTERPRISE = {"name": "New LLP", "bin": "123456789013", "region": "KZ-R1"}
PHONE = {"phone": "+7 701 000 0000"}
NOTES = {"notes": "checked on site"}
PUBLISH = {"is_published": True}

ALL_200 = "200 200 200 200 200 200"
VIEW_A_HIDDEN = "404 200 404 200 404 200"
VIEW_B_HIDDEN = "404 404 200 200 404 200"
VIEW_A_R2 = "404 200 404 404 200 200"

CASES = [
    # method, path, expected (public staff_a staff_b inspector_r1 inspector_r2 administrator), body
    # -- reads open to everyone
    ("GET", "regions/", ALL_200, None),
    ("GET", "regions/{R1}/", ALL_200, None),
    ("GET", "enterprises/", ALL_200, None),
    ("GET", "enterprises/{A}/", ALL_200, None),
    ("GET", "enterprises/{B}/", ALL_200, None),
    ("GET", "deposits/", ALL_200, None),
    ("GET", "deposits/{a_pub}/", ALL_200, None),
    ("GET", "deposits/{b_pub}/", ALL_200, None),
    ("GET", "deposits/{b_pub}/surveys/", ALL_200, None),
    ("GET", "deposits/{b_pub}/composition/", ALL_200, None),
    ("GET", "deposits/{b_pub}/forecast/?year=2030", ALL_200, None),
    # -- unpublished deposits: their enterprise, inspectors of their region, administrators
    ("GET", "deposits/{a_hidden}/", VIEW_A_HIDDEN, None),
    ("GET", "deposits/{b_hidden}/", VIEW_B_HIDDEN, None),
    ("GET", "deposits/{a_r2_hidden}/", VIEW_A_R2, None),
    ("GET", "deposits/{b_hidden}/surveys/", VIEW_B_HIDDEN, None),
    ("GET", "deposits/{b_hidden}/composition/", VIEW_B_HIDDEN, None),
    ("GET", "deposits/{b_hidden}/forecast/?year=2030", VIEW_B_HIDDEN, None),
    # -- change history: the enterprise's staff, inspectors of the region, administrators
    # (the public is asked to authenticate first: 401)
    ("GET", "deposits/{a_pub}/history/", "401 200 403 200 403 200", None),
    ("GET", "deposits/{b_pub}/history/", "401 403 200 200 403 200", None),
    ("GET", "deposits/{b_hidden}/history/", "401 404 200 200 404 200", None),
    ("GET", "deposits/{a_r2_hidden}/history/", "401 200 404 404 200 200", None),
    ("GET", "enterprises/{A}/history/", "401 200 403 200 403 200", None),
    ("GET", "enterprises/{B}/history/", "401 403 200 200 403 200", None),
    # -- writes: only administrators register enterprises; staff write for their own enterprise
    ("POST", "enterprises/", "401 403 403 403 403 201", ENTERPRISE),
    ("PATCH", "enterprises/{A}/", "401 200 403 403 403 200", PHONE),
    ("PATCH", "enterprises/{B}/", "401 403 200 403 403 200", PHONE),
    ("POST", "deposits/", "401 201 403 403 403 201", deposit_of_a),
    ("POST", "deposits/", "401 403 201 403 403 201", deposit_of_b),
    ("PATCH", "deposits/{a_pub}/", "401 200 403 403 403 200", NOTES),
    ("PATCH", "deposits/{a_hidden}/", "401 200 404 403 404 200", NOTES),
    ("PATCH", "deposits/{b_pub}/", "401 403 200 403 403 200", NOTES),
    ("PATCH", "deposits/{b_hidden}/", "401 404 200 403 404 200", NOTES),
    ("PATCH", "deposits/{a_pub}/", "401 403 403 403 403 200", operator_b),
    ("PATCH", "deposits/{a_hidden}/", "401 400 404 403 404 200", PUBLISH),
    ("POST", "deposits/{a_pub}/surveys/", "401 201 403 403 403 201", SURVEY),
    ("POST", "deposits/{b_hidden}/surveys/", "401 404 201 403 404 201", SURVEY),
    ("POST", "deposits/{a_pub}/composition/", "401 201 403 403 403 201", COMPONENT),
    ("POST", "deposits/{b_hidden}/composition/", "401 404 201 403 404 201", COMPONENT),
]


def case_id(case):
    method, path, _expected, body = case
    what = getattr(body, "__name__", None) or (",".join(body) if body else "")
    return f"{method} {path} {what}".strip()


@pytest.mark.parametrize(("method", "path", "expected", "body"), CASES, ids=[case_id(case) for case in CASES])
def test_permission_matrix(client_for, world, method, path, expected, body):
    url = API + path.format(**world.keys)
    actual = {}
    for role in ROLES:
        with transaction.atomic():
            records = ChangeRecord.objects.count()
            data = body(world) if callable(body) else body
            response = getattr(client_for(world.users[role]), method.lower())(url, data, format="json")
            actual[role] = response.status_code
            if method != "GET" and response.status_code >= 400:
                assert ChangeRecord.objects.count() == records, f"{role}: a refused write left a change record"
            transaction.set_rollback(True)

    assert actual == dict(zip(ROLES, map(int, expected.split()), strict=True))


VISIBLE = {
    "public": {"a_pub", "b_pub"},
    "staff_a": {"a_pub", "b_pub", "a_hidden", "a_r2_hidden"},
    "staff_b": {"a_pub", "b_pub", "b_hidden"},
    "inspector_r1": {"a_pub", "b_pub", "a_hidden", "b_hidden"},
    "inspector_r2": {"a_pub", "b_pub", "a_r2_hidden"},
    "administrator": {"a_pub", "b_pub", "a_hidden", "b_hidden", "a_r2_hidden"},
}


@pytest.mark.parametrize("role", ROLES)
def test_deposit_list_shows_only_what_the_role_may_see(client_for, world, role):
    response = client_for(world.users[role]).get(f"{API}deposits/")

    assert response.status_code == 200
    assert {row["name"] for row in response.data["results"]} == VISIBLE[role]
    assert response.data["count"] == len(VISIBLE[role])


@pytest.mark.parametrize("role", ROLES)
def test_operator_filter_reveals_no_hidden_deposit(client_for, world, role):
    response = client_for(world.users[role]).get(f"{API}deposits/", {"operator": world.b.bin})

    assert response.status_code == 200
    assert {row["name"] for row in response.data["results"]} == VISIBLE[role] & {"b_pub", "b_hidden"}
