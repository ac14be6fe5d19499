"""Who may read, file and decide which return, over the API.

Every case is enterprise A's return (enterprise A and B are both in `region`, inspected by `inspector`).
Roles: the public, staff of A, staff of B, the inspector of the region and the inspector of another.
A return a user may not see answers 404; one they see but may not act on, 403; the public, 401.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from registry.returns.models import ReturnLine, ReturnVersion, WasteReturn
from registry.tests.returns import helpers
from registry.tests.returns.helpers import YEAR, line

pytestmark = pytest.mark.django_db

API = "/api/v1/returns/"
ROLES = ("public", "staff_a", "staff_b", "inspector", "other_inspector")


@pytest.fixture
def users(staff_a, staff_b, inspector, other_inspector):
    return dict(zip(ROLES, [None, staff_a, staff_b, inspector, other_inspector], strict=True))


def build(state, staff_a, inspector, enterprise_a):
    """Enterprise A's return in the state the action needs."""
    waste_return = helpers.create(staff_a, enterprise_a)
    if state == "draft":
        return waste_return
    waste_return = helpers.submit(staff_a, waste_return)
    if state == "submitted":
        return waste_return
    return helpers.accept(inspector, waste_return)  # "accepted"


# (name, method, path after /api/v1/returns/<id>/, body, state the return is in), and the status each role
# in ROLES order gets.
CASES = [
    ("retrieve", "get", "", None, "draft", (401, 200, 404, 200, 404)),
    ("update", "put", "", {"lines": [line(generated="70")]}, "draft", (401, 200, 404, 403, 404)),
    ("submit", "post", "submit/", {"confirmations": {}}, "draft", (401, 200, 404, 403, 404)),
    ("accept", "post", "accept/", None, "submitted", (401, 403, 404, 200, 404)),
    ("return", "post", "return/", {"reasons": "Check line 1."}, "submitted", (401, 403, 404, 200, 404)),
    ("correct", "post", "correct/", None, "accepted", (401, 200, 404, 403, 404)),
    ("version", "get", "versions/1/", None, "submitted", (401, 200, 404, 200, 404)),
    ("diff", "get", "diff/?from=1&to=1", None, "submitted", (401, 200, 404, 200, 404)),
]


def snapshot():
    return (
        list(WasteReturn.objects.order_by("pk").values()),
        list(ReturnVersion.objects.order_by("pk").values()),
        list(ReturnLine.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize(
    ("method", "path", "body", "state", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_return_endpoints(client_for, users, staff_a, inspector, enterprise_a, method, path, body, state, expected):
    """Each role's request runs in a savepoint that is rolled back, so the roles do not see one another's
    writes; a server error is recorded as 500 so that every role's answer is reported."""
    waste_return = build(state, staff_a, inspector, enterprise_a)
    url = f"{API}{waste_return.pk}/{path}"
    answers, leaks = {}, []
    for role in ROLES:
        client = client_for(users[role])
        client.raise_request_exception = False
        with transaction.atomic():
            before = snapshot()
            response = getattr(client, method)(url, body, format="json")
            answers[role] = response.status_code
            if response.status_code in (401, 403, 404):
                if snapshot() != before:
                    leaks.append(f"{role}: a refused request changed the return")
                if enterprise_a.bin in response.content.decode():
                    leaks.append(f"{role}: the refusal shows the enterprise")
            transaction.set_rollback(True)
    assert answers == dict(zip(ROLES, expected, strict=True))
    assert leaks == []


LIST_CASES = [
    ("public", 401, None),
    ("staff_a", 200, True),
    ("staff_b", 200, False),
    ("inspector", 200, True),
    ("other_inspector", 200, False),
]


@pytest.mark.parametrize(("role", "expected", "sees"), LIST_CASES)
def test_list(client_for, users, draft_return, role, expected, sees):
    response = client_for(users[role]).get(API)
    assert response.status_code == expected
    if sees is not None:
        assert (draft_return.pk in [item["id"] for item in response.json()["results"]]) is sees


@pytest.mark.parametrize(
    ("role", "expected"),
    [("public", 401), ("staff_a", 201), ("staff_b", 403), ("inspector", 403), ("other_inspector", 403)],
)
def test_create_for_enterprise_a(client_for, users, enterprise_a, role, expected):
    body = {"enterprise": enterprise_a.bin, "year": YEAR, "lines": [line()]}
    response = client_for(users[role]).post(API, body, format="json")
    assert response.status_code == expected, response.content
    assert WasteReturn.objects.filter(enterprise=enterprise_a).exists() is (expected == 201)


def test_staff_cannot_file_for_another_enterprise_even_with_bad_lines(client_for, staff_a, enterprise_b):
    """Permission is decided before the lines are looked at: no line errors leak out."""
    body = {"enterprise": enterprise_b.bin, "year": YEAR, "lines": [line("99 99 99")]}
    response = client_for(staff_a).post(API, body, format="json")
    assert response.status_code == 403
    assert "errors" not in response.json()
    assert not WasteReturn.objects.exists()


def test_staff_of_a_neither_read_nor_file_for_b(client_for, staff_a, staff_b, enterprise_b):
    return_of_b = helpers.create(staff_b, enterprise_b)
    client = client_for(staff_a)
    assert client.get(f"{API}{return_of_b.pk}/").status_code == 404
    assert client.get(API).json()["results"] == []
    body = {"lines": [line(generated="1000", closing="1080")]}
    assert client.put(f"{API}{return_of_b.pk}/", body, format="json").status_code == 404
    assert client.post(f"{API}{return_of_b.pk}/submit/", {}, format="json").status_code == 404
    assert helpers.fresh(return_of_b).current.lines.get().generated == 50


def test_other_inspector_sees_an_empty_list(client_for, other_inspector, draft_return, submitted_return):
    response = client_for(other_inspector).get(API)
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_administrator_sees_every_return(client_for, administrator, draft_return):
    response = client_for(administrator).get(API)
    assert [item["id"] for item in response.json()["results"]] == [draft_return.pk]


def test_staff_cannot_accept_their_own_return_through_the_service(staff_a, submitted_return):
    with pytest.raises(PermissionDenied):
        helpers.accept(staff_a, submitted_return)
    assert helpers.fresh(submitted_return).accepted is None
