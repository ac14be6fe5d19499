"""Who may open and post to which page of enterprise A's return.

Pages answer 404 for a return the user may not see and 403 for an action they may not take; the
public is sent to the login page. Roles as in test_api_permissions.py.
"""

import pytest
from django.db import transaction

from registry.returns.models import ReturnEvent, ReturnLine, ReturnVersion, WasteReturn
from registry.tests.returns import helpers
from registry.tests.returns.helpers import TAILINGS, csv_upload, line

pytestmark = pytest.mark.django_db

ROLES = ("public", "staff_a", "staff_b", "inspector", "other_inspector")
LOGIN, DETAIL = "login", "detail"  # redirects: to the login page, to the return's page


@pytest.fixture
def users(staff_a, staff_b, inspector, other_inspector):
    return dict(zip(ROLES, [None, staff_a, staff_b, inspector, other_inspector], strict=True))


def build(state, staff_a, inspector, enterprise_a):
    waste_return = helpers.create(staff_a, enterprise_a)
    if state == "draft":
        return waste_return
    waste_return = helpers.submit(staff_a, waste_return)
    if state == "submitted":
        return waste_return
    return helpers.accept(inspector, waste_return)  # "accepted"


def upload_body():
    return {"file": csv_upload([line(TAILINGS, opening="0", generated="5", recycled="0")])}


# (name, method, path after /returns/<id>/, body, state the return is in), and the outcome for each role
# in ROLES order.
CASES = [
    ("detail", "get", "", None, "draft", (LOGIN, 200, 404, 200, 404)),
    ("version", "get", "versions/1/", None, "submitted", (LOGIN, 200, 404, 200, 404)),
    ("diff", "get", "diff/?from=1&to=1", None, "submitted", (LOGIN, 200, 404, 200, 404)),
    ("line-new", "post", "lines/new/", line(TAILINGS), "draft", (LOGIN, 200, 404, 403, 404)),
    ("upload", "post", "upload/", upload_body, "draft", (LOGIN, DETAIL, 404, 403, 404)),
    ("submit", "post", "submit/", {}, "draft", (LOGIN, DETAIL, 404, 403, 404)),
    ("accept", "post", "accept/", {}, "submitted", (LOGIN, 403, 404, DETAIL, 404)),
    ("return", "post", "return/", {"reasons": "Check line 1."}, "submitted", (LOGIN, 403, 404, DETAIL, 404)),
    ("correct", "post", "correct/", {}, "accepted", (LOGIN, DETAIL, 404, 403, 404)),
]


def snapshot():
    return [
        list(model.objects.order_by("pk").values()) for model in (WasteReturn, ReturnVersion, ReturnLine, ReturnEvent)
    ]


def post_data(body):
    if body is None:
        return None
    data = body() if callable(body) else dict(body)
    return {key: "" if value is None else value for key, value in data.items()}


def outcome(response, waste_return):
    """The status, or where a redirect leads: the login page or the return's page."""
    if response.status_code != 302:
        return response.status_code
    if response["Location"].startswith("/accounts/login/?next="):
        return LOGIN
    if response["Location"] == f"/returns/{waste_return.pk}/":
        return DETAIL
    return response["Location"]


@pytest.mark.parametrize(
    ("method", "path", "body", "state", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_return_pages(web, users, staff_a, inspector, enterprise_a, method, path, body, state, expected):
    """Each role's request runs in a savepoint that is rolled back (see test_api_permissions.py)."""
    waste_return = build(state, staff_a, inspector, enterprise_a)
    url = f"/returns/{waste_return.pk}/{path}"
    clients = {role: web(users[role]) for role in ROLES}
    answers, leaks = {}, []
    for role, client in clients.items():
        client.raise_request_exception = False
        with transaction.atomic():
            before = snapshot()
            response = getattr(client, method)(url, post_data(body))
            answers[role] = outcome(response, waste_return)
            if answers[role] in (LOGIN, 403, 404) and snapshot() != before:
                leaks.append(f"{role}: a refused request changed the return")
            if answers[role] == 404 and enterprise_a.name in response.content.decode():
                leaks.append(f"{role}: the 404 page shows the enterprise")
            transaction.set_rollback(True)
    assert answers == dict(zip(ROLES, expected, strict=True))
    assert leaks == []


@pytest.mark.parametrize(
    ("role", "sees"),
    [("staff_a", True), ("staff_b", False), ("inspector", True), ("other_inspector", False)],
)
def test_list_page_shows_only_visible_returns(web, users, draft_return, role, sees):
    response = web(users[role]).get("/returns/")
    assert response.status_code == 200
    assert (f'href="/returns/{draft_return.pk}/"' in response.content.decode()) is sees


def test_list_page_sends_the_public_to_login(web, draft_return):
    response = web(None).get("/returns/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_of_a_cannot_open_or_file_on_bs_return(web, staff_a, staff_b, enterprise_b):
    return_of_b = helpers.create(staff_b, enterprise_b)
    client = web(staff_a)
    before = snapshot()
    for path in ("", "versions/1/", "diff/?from=1&to=1", "lines/1/", "lines/new/"):
        assert client.get(f"/returns/{return_of_b.pk}/{path}").status_code == 404, path
    for path in ("lines/new/", "lines/1/edit/", "lines/1/delete/", "lines/check/", "submit/", "correct/"):
        assert client.post(f"/returns/{return_of_b.pk}/{path}", post_data(line())).status_code == 404, path
    assert client.post(f"/returns/{return_of_b.pk}/upload/", upload_body()).status_code == 404
    assert snapshot() == before


def test_new_return_form_offers_only_own_enterprises(web, staff_a, enterprise_a, enterprise_b):
    client = web(staff_a)
    response = client.post("/returns/new/", {"enterprise": enterprise_b.pk, "year": helpers.YEAR})
    assert response.status_code == 200
    assert not WasteReturn.objects.exists()
    response = client.post("/returns/new/", {"enterprise": enterprise_a.pk, "year": helpers.YEAR})
    waste_return = WasteReturn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/returns/{waste_return.pk}/"
    assert waste_return.enterprise == enterprise_a


def test_inspectors_cannot_file_a_return_through_the_page(web, inspector, enterprise_a):
    response = web(inspector).post("/returns/new/", {"enterprise": enterprise_a.pk, "year": helpers.YEAR})
    assert response.status_code == 200
    assert not WasteReturn.objects.exists()
