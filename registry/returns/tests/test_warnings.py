"""Warnings do not stop a submission, but each must be confirmed with an explanation; they and the
explanations are then frozen on the version. Three kinds: the opening balance is not last year's
accepted closing balance; an amount changed by more than the year's factor; filed after the deadline."""

import datetime

import pytest
from django.utils import timezone

from registry.returns import services
from registry.returns.models import ReturnStatus
from registry.returns.tests import helpers
from registry.returns.tests.helpers import SLAG, TAILINGS, YEAR, fresh, line

pytestmark = pytest.mark.django_db

API = "/api/v1/returns/"


def submit(client, waste_return, confirmations=None):
    body = {} if confirmations is None else {"confirmations": confirmations}
    return client.post(f"{API}{waste_return.pk}/submit/", body, format="json")


def keys(response):
    return [error["key"] for error in response.json()["errors"]]


@pytest.fixture
def last_year(staff_a, inspector, enterprise_a):
    """2023 accepted: copper slag closing at 130 t; tailings generated 100 t and all recycled."""
    lines = [line(SLAG), line(TAILINGS, opening="0", generated="100", recycled="100")]
    return helpers.accepted(staff_a, inspector, enterprise_a, YEAR - 1, lines)


def this_year(staff_a, enterprise_a, *, slag_opening="130", tailings_generated="100"):
    lines = [
        line(SLAG, opening=slag_opening, generated="50", recycled="20"),
        line(TAILINGS, opening="0", generated=tailings_generated, recycled=tailings_generated),
    ]
    return helpers.create(staff_a, enterprise_a, YEAR, lines)


def test_no_warning_when_this_year_follows_last_year(client_for, staff_a, enterprise_a, last_year):
    waste_return = this_year(staff_a, enterprise_a)
    response = submit(client_for(staff_a), waste_return)
    assert response.status_code == 200, response.content
    assert response.json()["warnings"] == []
    assert fresh(waste_return).current.warnings == []


def test_an_opening_balance_unlike_last_years_closing_must_be_confirmed(client_for, staff_a, enterprise_a, last_year):
    waste_return = this_year(staff_a, enterprise_a, slag_opening="100")
    client = client_for(staff_a)
    response = submit(client, waste_return)
    assert response.status_code == 400
    body = response.json()
    (warning,) = body["errors"]
    assert (warning["key"], warning["line"], warning["field"]) == ("opening:1", 1, "opening")
    assert warning["code"] == "warning_unconfirmed"
    assert warning["message"].startswith("Confirm this warning with an explanation")
    assert "100.000 t differs from the closing balance 130.000 t" in warning["message"]
    assert fresh(waste_return).current.status == ReturnStatus.DRAFT

    # a blank explanation is no explanation
    assert submit(client, waste_return, {"opening:1": "  "}).status_code == 400

    response = submit(client, waste_return, {"opening:1": "Re-surveyed in January 2024."})
    assert response.status_code == 200, response.content
    version = fresh(waste_return).current
    assert version.status == ReturnStatus.SUBMITTED
    assert [item["key"] for item in version.warnings] == ["opening:1"]
    assert version.warnings[0]["line"] == 1
    assert version.confirmations == {"opening:1": "Re-surveyed in January 2024."}
    body = response.json()
    assert [item["key"] for item in body["warnings"]] == ["opening:1"]
    assert body["versions"][0]["confirmations"] == {"opening:1": "Re-surveyed in January 2024."}


def test_a_new_line_with_an_opening_balance_is_warned(staff_a, enterprise_a, last_year):
    lines = [
        line(SLAG, opening="130"),
        line(TAILINGS, opening="0", generated="100", recycled="100"),
        line(helpers.FLUE_DUST, level="red", opening="7", generated="0", recycled="0"),
    ]
    waste_return = helpers.create(staff_a, enterprise_a, YEAR, lines)
    warnings = services.current_warnings(waste_return.current)
    assert [(item.key, item.line, item.field) for item in warnings] == [("opening:3", 3, "opening")]
    assert "differs from the closing balance 0.000 t" in warnings[0].message


@pytest.mark.parametrize(
    ("generated", "warned"),
    [("300", False), ("300.001", True), ("34", False), ("33", True)],
)
def test_a_change_of_more_than_the_factor_in_generated_must_be_confirmed(
    client_for, staff_a, enterprise_a, last_year, generated, warned
):
    waste_return = this_year(staff_a, enterprise_a, tailings_generated=generated)
    response = submit(client_for(staff_a), waste_return)
    if not warned:
        assert response.status_code == 200, response.content
        return
    assert response.status_code == 400
    (warning,) = response.json()["errors"]
    assert (warning["key"], warning["line"], warning["field"]) == ("change:2:generated", 2, "generated")
    assert "a change of more than 3 times" in warning["message"]
    response = submit(client_for(staff_a), waste_return, {"change:2:generated": "A second concentrator started."})
    assert response.status_code == 200, response.content
    assert fresh(waste_return).current.confirmations == {"change:2:generated": "A second concentrator started."}


def test_the_change_factor_is_the_years(client_for, staff_a, enterprise_a, last_year, filing_years):
    filing_years[YEAR].change_factor = 5
    filing_years[YEAR].save()
    waste_return = this_year(staff_a, enterprise_a, tailings_generated="400")
    assert submit(client_for(staff_a), waste_return).status_code == 200


def test_without_an_accepted_return_last_year_nothing_is_compared(staff_a, enterprise_a):
    helpers.submit(staff_a, helpers.create(staff_a, enterprise_a, YEAR - 1, [line(SLAG, opening="0", closing="30")]))
    waste_return = this_year(staff_a, enterprise_a, slag_opening="999", tailings_generated="5000")
    assert services.current_warnings(waste_return.current) == []


def test_late_filing_must_be_confirmed_and_marks_the_return(client_for, staff_a, enterprise_a, filing_years):
    filing_years[YEAR].deadline = timezone.localdate() - datetime.timedelta(days=1)
    filing_years[YEAR].save()
    waste_return = helpers.create(staff_a, enterprise_a)
    client = client_for(staff_a)
    response = submit(client, waste_return)
    assert response.status_code == 400
    (warning,) = response.json()["errors"]
    assert (warning["key"], warning["field"]) == ("late", "submitted_at")
    assert "line" not in warning  # about the return, not a line of it
    assert "after the deadline" in warning["message"]
    assert fresh(waste_return).late is False

    response = submit(client, waste_return, {"late": "The survey was delayed by floods."})
    assert response.status_code == 200, response.content
    assert response.json()["late"] is True
    waste_return = fresh(waste_return)
    assert waste_return.late is True
    assert waste_return.current.warnings[0]["key"] == "late"
    assert waste_return.current.confirmations == {"late": "The survey was delayed by floods."}


def test_the_default_deadline_is_1_april_of_the_next_year(staff_a, enterprise_a, filing_years):
    filing_years[YEAR].delete()
    waste_return = helpers.create(staff_a, enterprise_a)
    warnings = services.current_warnings(waste_return.current)
    assert [item.key for item in warnings] == (["late"] if timezone.localdate() > datetime.date(YEAR + 1, 4, 1) else [])


def test_every_warning_is_listed_and_each_needs_its_confirmation(
    client_for, staff_a, enterprise_a, last_year, filing_years
):
    filing_years[YEAR].deadline = datetime.date(YEAR + 1, 4, 1)
    filing_years[YEAR].save()
    waste_return = this_year(staff_a, enterprise_a, slag_opening="100", tailings_generated="1000")
    client = client_for(staff_a)
    response = submit(client, waste_return)
    assert response.status_code == 400
    assert keys(response) == ["opening:1", "change:2:generated", "late"]
    response = submit(client, waste_return, {"opening:1": "Re-surveyed.", "late": "Floods."})
    assert response.status_code == 400
    assert keys(response) == ["change:2:generated"]
    confirmations = {"opening:1": "Re-surveyed.", "change:2:generated": "New plant.", "late": "Floods.", "x": "y"}
    assert submit(client, waste_return, confirmations).status_code == 200
    version = fresh(waste_return).current
    assert [item["key"] for item in version.warnings] == ["opening:1", "change:2:generated", "late"]
    assert version.confirmations == {"opening:1": "Re-surveyed.", "change:2:generated": "New plant.", "late": "Floods."}


def test_warnings_are_frozen_at_submission(client_for, staff_a, enterprise_a, filing_years):
    waste_return = helpers.submit(staff_a, helpers.create(staff_a, enterprise_a))
    filing_years[YEAR].deadline = timezone.localdate() - datetime.timedelta(days=30)
    filing_years[YEAR].save()
    body = client_for(staff_a).get(f"{API}{waste_return.pk}/").json()
    assert body["warnings"] == []
    assert body["late"] is False


def test_a_draft_shows_its_warnings_as_they_stand(client_for, staff_a, enterprise_a, last_year):
    waste_return = this_year(staff_a, enterprise_a, slag_opening="100")
    body = client_for(staff_a).get(f"{API}{waste_return.pk}/").json()
    assert [(item["key"], item["line"], item["field"]) for item in body["warnings"]] == [("opening:1", 1, "opening")]


def test_the_submit_page_asks_for_the_explanations(web, staff_a, enterprise_a, last_year):
    waste_return = this_year(staff_a, enterprise_a, slag_opening="100")
    client = web(staff_a)
    page = client.get(f"/returns/{waste_return.pk}/").content.decode()
    assert 'name="opening:1"' in page
    response = client.post(f"/returns/{waste_return.pk}/submit/")
    assert response.status_code == 400
    assert "Confirm this warning with an explanation" in response.content.decode()
    response = client.post(f"/returns/{waste_return.pk}/submit/", {"opening:1": "Re-surveyed."})
    assert response.status_code == 302
    assert fresh(waste_return).current.confirmations == {"opening:1": "Re-surveyed."}
