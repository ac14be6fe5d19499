"""The workflow of a return: draft → submitted → accepted, or → returned → corrected (version 2) → …

Over the API as a filer and an inspector use it, and through the services for what the API does not show
(the events, who decided)."""

import pytest
from django.core.exceptions import ValidationError

from portal.tests.api_errors import fields
from registry.returns import services
from registry.returns.models import ReturnEvent, ReturnStatus, ReturnVersion
from registry.returns.tests import helpers
from registry.returns.tests.helpers import SLAG, TAILINGS, YEAR, fresh, line

pytestmark = pytest.mark.django_db

API = "/api/v1/returns/"


def ok(response, code=200):
    assert response.status_code == code, response.content
    return response.json()


def test_draft_submit_accept(client_for, staff_a, inspector, enterprise_a):
    staff, reviewer = client_for(staff_a), client_for(inspector)
    body = ok(staff.post(API, {"enterprise": enterprise_a.bin, "year": YEAR, "lines": [line()]}, format="json"), 201)
    url = f"{API}{body['id']}/"
    assert (body["status"], body["version"], body["first_submitted_at"]) == ("draft", 1, None)

    body = ok(staff.post(f"{url}submit/", {}, format="json"))
    assert (body["status"], body["version"], body["accepted_version"]) == ("submitted", 1, None)
    assert body["first_submitted_at"] is not None
    assert body["late"] is False
    assert body["versions"][0]["submitted_by"] == "staff_a"

    body = ok(reviewer.post(f"{url}accept/", format="json"))
    assert (body["status"], body["version"], body["accepted_version"]) == ("accepted", 1, 1)
    assert body["versions"][0]["decided_by"] == "inspector"
    assert ok(staff.get(url))["status"] == "accepted"


def test_draft_submit_return_correct_submit_accept(client_for, staff_a, inspector, draft_return):
    staff, reviewer = client_for(staff_a), client_for(inspector)
    url = f"{API}{draft_return.pk}/"
    ok(staff.post(f"{url}submit/", {}, format="json"))

    for reasons in ({"reasons": ""}, {"reasons": "   "}, {}):
        response = reviewer.post(f"{url}return/", reasons, format="json")
        assert response.status_code == 400
        assert fields(response) == ["reasons"]
    assert fresh(draft_return).current.status == ReturnStatus.SUBMITTED

    body = ok(reviewer.post(f"{url}return/", {"reasons": "Line 1: the slag generated is 60 t."}, format="json"))
    assert (body["status"], body["version"], body["accepted_version"]) == ("returned", 1, None)
    assert body["versions"][0]["reasons"] == "Line 1: the slag generated is 60 t."

    # A returned version is not edited; a correction is a new version, a draft copy of it.
    assert staff.put(url, {"lines": [line(generated="60")]}, format="json").status_code == 400
    body = ok(staff.post(f"{url}correct/", format="json"))
    assert (body["status"], body["version"]) == ("draft", 2)
    assert [(item["waste_code"], item["generated"]) for item in body["lines"]] == [(SLAG, "50.000")]
    assert [version["status"] for version in body["versions"]] == ["returned", "draft"]

    body = ok(staff.put(url, {"lines": [line(generated="60")]}, format="json"))
    assert [(item["generated"], item["closing"]) for item in body["lines"]] == [("60.000", "140.000")]
    assert ok(staff.post(f"{url}submit/", {}, format="json"))["status"] == "submitted"
    body = ok(reviewer.post(f"{url}accept/", format="json"))
    assert (body["status"], body["version"], body["accepted_version"]) == ("accepted", 2, 2)

    first = ok(staff.get(f"{url}versions/1/"))
    assert (first["status"], first["lines"][0]["generated"]) == ("returned", "50.000")


def test_put_on_a_submitted_return_is_refused(client_for, staff_a, submitted_return):
    before = list(fresh(submitted_return).current.lines.values())
    response = client_for(staff_a).put(f"{API}{submitted_return.pk}/", {"lines": [line(generated="70")]}, format="json")
    assert response.status_code == 400
    assert "submitted" in str(response.json())
    assert list(fresh(submitted_return).current.lines.values()) == before


def test_put_on_an_accepted_return_is_refused(client_for, staff_a, accepted_return):
    response = client_for(staff_a).put(f"{API}{accepted_return.pk}/", {"lines": [line(generated="70")]}, format="json")
    assert response.status_code == 400
    assert fresh(accepted_return).current.lines.get().generated == 50


@pytest.mark.parametrize("action", ["accept", "return"])
def test_a_draft_cannot_be_decided(client_for, inspector, draft_return, action):
    response = client_for(inspector).post(f"{API}{draft_return.pk}/{action}/", {"reasons": "No."}, format="json")
    assert response.status_code == 400
    assert fresh(draft_return).current.status == ReturnStatus.DRAFT


def test_an_accepted_return_cannot_be_decided_again(client_for, inspector, accepted_return):
    client = client_for(inspector)
    assert client.post(f"{API}{accepted_return.pk}/accept/", format="json").status_code == 400
    response = client.post(f"{API}{accepted_return.pk}/return/", {"reasons": "No."}, format="json")
    assert response.status_code == 400
    assert fresh(accepted_return).current.status == ReturnStatus.ACCEPTED


def test_a_submitted_return_cannot_be_submitted_again(client_for, staff_a, submitted_return):
    assert client_for(staff_a).post(f"{API}{submitted_return.pk}/submit/", {}, format="json").status_code == 400


def test_a_draft_needs_a_line_to_be_submitted(client_for, staff_a, enterprise_a):
    waste_return = helpers.create(staff_a, enterprise_a, lines=[])
    response = client_for(staff_a).post(f"{API}{waste_return.pk}/submit/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "lines"
    assert fresh(waste_return).current.status == ReturnStatus.DRAFT


def test_a_draft_is_not_corrected_but_edited(client_for, staff_a, draft_return):
    response = client_for(staff_a).post(f"{API}{draft_return.pk}/correct/", format="json")
    assert response.status_code == 400
    assert ReturnVersion.objects.filter(waste_return=draft_return).count() == 1


def test_the_services_record_who_did_what(staff_a, inspector, draft_return):
    waste_return = helpers.submit(staff_a, draft_return)
    waste_return = helpers.send_back(inspector, waste_return, reasons="  Check line 1.  ")
    first = waste_return.current
    assert (first.status, first.decided_by, first.reasons) == (ReturnStatus.RETURNED, inspector, "Check line 1.")
    assert first.decided_at is not None

    waste_return = helpers.correct(staff_a, waste_return)
    second = waste_return.current
    assert (second.number, second.status, second.created_by) == (2, ReturnStatus.DRAFT, staff_a)
    assert [(item.position, item.key, item.amounts) for item in second.lines.all()] == [
        (item.position, item.key, item.amounts) for item in first.lines.all()
    ]
    waste_return = helpers.replace_lines(staff_a, waste_return, [line(TAILINGS), line(SLAG, generated="60")])
    waste_return = helpers.accept(inspector, helpers.submit(staff_a, waste_return))
    assert waste_return.accepted == second
    assert list(ReturnEvent.objects.order_by("id").values_list("version__number", "kind", "actor__username")) == [
        (1, "created", "staff_a"),
        (1, "submitted", "staff_a"),
        (1, "returned", "inspector"),
        (2, "correction", "staff_a"),
        (2, "edited", "staff_a"),
        (2, "submitted", "staff_a"),
        (2, "accepted", "inspector"),
    ]
    first.refresh_from_db()
    assert (first.status, first.lines.count()) == (ReturnStatus.RETURNED, 1)


def test_empty_reasons_are_refused_by_the_service(staff_a, inspector, submitted_return):
    with pytest.raises(ValidationError) as refused:
        helpers.send_back(inspector, submitted_return, reasons=" ")
    assert "reasons" in refused.value.message_dict
    assert fresh(submitted_return).current.status == ReturnStatus.SUBMITTED


def test_an_older_submitted_version_cannot_be_decided_after_a_correction(staff_a, inspector, submitted_return):
    waste_return = helpers.correct(staff_a, submitted_return)
    with pytest.raises(ValidationError, match="newer version"):
        services.return_accept(actor=inspector, version=waste_return.versions.get(number=1))
    assert fresh(waste_return).accepted is None


def test_the_pages_take_a_return_through_the_workflow(web, staff_a, inspector, draft_return):
    staff, reviewer = web(staff_a), web(inspector)
    url = f"/returns/{draft_return.pk}/"
    assert staff.post(f"{url}submit/").status_code == 302
    response = reviewer.post(f"{url}return/", {"reasons": ""})
    assert response.status_code == 400
    assert "Say why the return goes back" in response.content.decode()
    assert reviewer.post(f"{url}return/", {"reasons": "Check line 1."}).status_code == 302
    assert staff.post(f"{url}correct/").status_code == 302
    assert fresh(draft_return).current.number == 2
    assert staff.post(f"{url}submit/").status_code == 302
    assert reviewer.post(f"{url}accept/").status_code == 302
    waste_return = fresh(draft_return)
    assert (waste_return.current.number, waste_return.current.status) == (2, ReturnStatus.ACCEPTED)
    assert waste_return.accepted == waste_return.current
