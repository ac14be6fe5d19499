"""Versions: a correction after acceptance is version 2; version 1 stays as it was and readable, counts
as the accepted figures until version 2 is accepted, and the difference of the two lists the changes."""

import html

import pytest

from registry.returns.models import ReturnStatus
from registry.returns.tests import helpers
from registry.returns.tests.helpers import FLUE_DUST, SLAG, TAILINGS, fresh, line

pytestmark = pytest.mark.django_db

API = "/api/v1/returns/"


def test_correcting_an_accepted_return_starts_version_2(client_for, staff_a, accepted_return):
    response = client_for(staff_a).post(f"{API}{accepted_return.pk}/correct/", format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["version"], body["status"], body["accepted_version"]) == (2, "draft", 1)
    waste_return = fresh(accepted_return)
    assert waste_return.current.number == 2
    assert waste_return.accepted.number == 1
    assert waste_return.accepted.status == ReturnStatus.ACCEPTED


def test_version_1_stays_readable(client_for, staff_a, inspector, corrected_return):
    for user in (staff_a, inspector):
        response = client_for(user).get(f"{API}{corrected_return.pk}/versions/1/")
        assert response.status_code == 200
        body = response.json()
        assert (body["number"], body["status"], body["submitted_by"], body["decided_by"]) == (
            1,
            "accepted",
            "staff_a",
            "inspector",
        )
        assert [(item["waste_code"], item["generated"], item["closing"]) for item in body["lines"]] == [
            (SLAG, "50.000", "130.000")
        ]
    body = client_for(staff_a).get(f"{API}{corrected_return.pk}/versions/2/").json()
    assert (body["number"], body["status"]) == (2, "draft")
    assert [(item["generated"], item["closing"]) for item in body["lines"]] == [("60.000", "140.000")]


def test_an_unknown_version_is_404(client_for, staff_a, corrected_return):
    assert client_for(staff_a).get(f"{API}{corrected_return.pk}/versions/3/").status_code == 404


def test_the_diff_lists_the_changed_line_with_old_and_new_values(client_for, inspector, corrected_return):
    response = client_for(inspector).get(f"{API}{corrected_return.pk}/diff/", {"from": 1, "to": 2})
    assert response.status_code == 200
    assert response.json() == [
        {
            "change": "changed",
            "waste_code": SLAG,
            "storage_deposit": None,
            "changes": {"generated": ["50.000", "60.000"], "closing": ["130.000", "140.000"]},
        }
    ]


def test_the_diff_lists_added_and_removed_lines(client_for, staff_a, accepted_return, deposit_a):
    waste_return = helpers.correct(staff_a, accepted_return)
    new_lines = [
        line(FLUE_DUST, level="amber", opening="0", generated="4", recycled="0"),
        line(SLAG, deposit=deposit_a),
    ]
    helpers.replace_lines(staff_a, waste_return, new_lines)
    body = client_for(staff_a).get(f"{API}{waste_return.pk}/diff/?from=1&to=2").json()
    assert sorted((item["change"], item["waste_code"], item["storage_deposit"]) for item in body) == [
        ("added", SLAG, deposit_a.pk),  # the slag moved to a storage place: another line
        ("added", FLUE_DUST, None),
        ("removed", SLAG, None),
    ]
    assert all(item["changes"] == {} for item in body)


def test_the_diff_of_a_version_with_itself_is_empty(client_for, staff_a, corrected_return):
    assert client_for(staff_a).get(f"{API}{corrected_return.pk}/diff/?from=2&to=2").json() == []


@pytest.mark.parametrize("query", ["", "?from=1", "?from=a&to=2", "?from=1&to=-2"])
def test_the_diff_needs_two_version_numbers(client_for, staff_a, corrected_return, query):
    assert client_for(staff_a).get(f"{API}{corrected_return.pk}/diff/{query}").status_code == 400


def test_the_diff_of_an_unknown_version_is_404(client_for, staff_a, corrected_return):
    assert client_for(staff_a).get(f"{API}{corrected_return.pk}/diff/?from=1&to=7").status_code == 404


def test_the_diff_page_shows_the_changes(web, inspector, corrected_return):
    response = web(inspector).get(f"/returns/{corrected_return.pk}/diff/?from=1&to=2")
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "Changes from version 1 to version 2" in text
    rows = [row for row in text.split("<tr>") if "<td>generated</td>" in row or "<td>closing</td>" in row]
    assert len(rows) == 2
    assert SLAG in rows[0]
    assert "50.000" in rows[0] and "60.000" in rows[0]
    assert "130.000" in rows[1] and "140.000" in rows[1]


@pytest.mark.parametrize("query", ["?from=a&to=2", "?from=1&to=9"])
def test_the_diff_page_refuses_bad_version_numbers(web, staff_a, corrected_return, query):
    response = web(staff_a).get(f"/returns/{corrected_return.pk}/diff/{query}")
    assert response.status_code in (400, 404)


def test_the_version_page_shows_the_old_figures(web, staff_a, corrected_return):
    response = web(staff_a).get(f"/returns/{corrected_return.pk}/versions/1/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "version 1" in text
    assert "accepted" in text
    assert '<td class="num">50.000</td>' in text
    assert '<td class="num">130.000</td>' in text
    assert "60.000" not in text


def test_accepted_stays_version_1_until_version_2_is_accepted(client_for, staff_a, inspector, corrected_return):
    staff, reviewer = client_for(staff_a), client_for(inspector)
    url = f"{API}{corrected_return.pk}/"
    assert staff.get(url).json()["accepted_version"] == 1
    assert staff.post(f"{url}submit/", {}, format="json").status_code == 200
    assert staff.get(url).json()["accepted_version"] == 1
    assert fresh(corrected_return).accepted.number == 1
    body = reviewer.post(f"{url}accept/", format="json").json()
    assert (body["version"], body["accepted_version"]) == (2, 2)
    assert fresh(corrected_return).accepted.number == 2
    first = staff.get(f"{url}versions/1/").json()
    assert (first["status"], first["lines"][0]["generated"]) == ("accepted", "50.000")


def test_a_returned_correction_leaves_version_1_accepted(staff_a, inspector, corrected_return):
    waste_return = helpers.send_back(inspector, helpers.submit(staff_a, corrected_return))
    assert waste_return.current.status == ReturnStatus.RETURNED
    assert waste_return.accepted.number == 1
    waste_return = helpers.correct(staff_a, waste_return)
    assert (waste_return.current.number, waste_return.accepted.number) == (3, 1)
    helpers.replace_lines(staff_a, waste_return, [line(TAILINGS)])
    assert [line.waste_code.code for line in fresh(waste_return).accepted.lines.all()] == [SLAG]
