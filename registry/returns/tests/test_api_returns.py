"""POST /api/v1/returns/ and PUT /api/v1/returns/<id>/: lines are checked as a whole, and every error of
every line comes back at once, named by line and field; nothing is saved unless every line passes."""

import pytest

from registry.returns.models import ReturnLine, ReturnStatus, ReturnVersion, WasteReturn
from registry.returns.tests.helpers import FLUE_DUST, SLAG, TAILINGS, TAILINGS_HAZARDOUS, YEAR, fresh, line

pytestmark = pytest.mark.django_db

API = "/api/v1/returns/"


def create(client, enterprise, lines, year=YEAR):
    return client.post(API, {"enterprise": enterprise.bin, "year": year, "lines": lines}, format="json")


def found(response):
    return [(error["line"], error["field"]) for error in response.json()["errors"]]


def test_create_saves_a_draft_with_its_lines(client_for, staff_a, enterprise_a, deposit_a):
    lines = [line(SLAG, deposit=deposit_a), line(FLUE_DUST, level="red", opening="0", generated="3", recycled="0")]
    response = create(client_for(staff_a), enterprise_a, lines)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["enterprise"] == enterprise_a.bin
    assert body["year"] == YEAR
    assert body["status"] == "draft"
    assert body["version"] == 1
    assert body["accepted_version"] is None
    assert [(item["position"], item["waste_code"], item["hazardous"]) for item in body["lines"]] == [
        (1, SLAG, False),
        (2, FLUE_DUST, True),
    ]
    assert body["lines"][0]["storage_deposit"] == deposit_a.pk
    assert body["lines"][0]["closing"] == "130.000"
    waste_return = WasteReturn.objects.get(pk=body["id"])
    assert waste_return.current.status == ReturnStatus.DRAFT
    assert waste_return.current.lines.count() == 2


def test_create_takes_json_numbers(client_for, staff_a, enterprise_a):
    amounts = {"opening": 100.5, "generated": 50, "received": 0, "recycled": 20.25, "disposed": 0, "transferred": 0}
    raw = {"waste_code": SLAG, **amounts, "closing": 130.25}
    response = create(client_for(staff_a), enterprise_a, [raw])
    assert response.status_code == 201, response.content
    assert ReturnLine.objects.get().closing == pytest.approx(130.25)


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        (line(closing="130.001"), None, None),
        (line(closing="130.002"), "closing", "balance does not hold"),
        (line(generated="-50", closing="30"), "generated", "cannot be negative"),
        (line("99 99 99"), "waste_code", "not in the waste classifier"),
        (line("10 06 0"), "waste_code", "six-digit"),
        (line(TAILINGS_HAZARDOUS), "hazard_level", "is hazardous"),
        (line(TAILINGS, level="green"), "hazard_level", "not hazardous"),
    ],
    ids=["balance-0.001-off", "balance-0.002-off", "negative", "unknown", "malformed", "hazardous", "not-hazardous"],
)
def test_create_refuses_a_bad_line_naming_line_and_field(client_for, staff_a, enterprise_a, raw, field, words):
    response = create(client_for(staff_a), enterprise_a, [line(TAILINGS), raw])
    if field is None:
        assert response.status_code == 201, response.content
        return
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["line"], error["field"]) == (2, field)
    assert words in error["message"]
    assert not WasteReturn.objects.exists()


def test_create_lists_every_error_of_every_line_and_saves_nothing(
    client_for, staff_a, enterprise_a, deposit_b, draft_return
):
    """(draft_return is enterprise A's 2024 return; this files 2023, so only the lines can fail.)"""
    before = (WasteReturn.objects.count(), ReturnVersion.objects.count(), ReturnLine.objects.count())
    lines = [
        line(SLAG, closing="130.002"),
        line(SLAG),
        line(SLAG),
        line("99 99 99", recycled="-1", closing="150"),
        line("1006", deposit=deposit_b),
        line(FLUE_DUST),
        line(TAILINGS, level="amber"),
    ]
    response = create(client_for(staff_a), enterprise_a, lines, year=YEAR - 1)
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"errors"}  # the API's one error shape (portal.api.exceptions)
    assert [(error["line"], error["field"], error["code"]) for error in body["errors"]] == [
        (1, "closing", "balance"),
        (3, "waste_code", "duplicate_line"),  # the same code and place as line 2
        (4, "waste_code", "unknown_waste_code"),
        (4, "recycled", "negative"),
        (5, "waste_code", "invalid"),
        (5, "storage_deposit", "unknown_deposit"),
        (6, "hazard_level", "hazard_level_required"),
        (7, "hazard_level", "hazard_level_not_allowed"),
    ]
    assert all(set(error) == {"line", "field", "code", "message"} and error["message"] for error in body["errors"])
    assert (WasteReturn.objects.count(), ReturnVersion.objects.count(), ReturnLine.objects.count()) == before


def test_create_refuses_a_deposit_of_another_enterprise(client_for, staff_a, enterprise_a, deposit_a, deposit_b):
    response = create(client_for(staff_a), enterprise_a, [line(SLAG, deposit=deposit_a), line(SLAG, deposit=deposit_b)])
    assert response.status_code == 400
    assert found(response) == [(2, "storage_deposit")]
    assert not WasteReturn.objects.exists()


def test_create_refuses_the_same_code_twice_at_the_same_place(client_for, staff_a, enterprise_a, deposit_a):
    response = create(client_for(staff_a), enterprise_a, [line(SLAG, deposit=deposit_a), line(SLAG, deposit=deposit_a)])
    assert response.status_code == 400
    assert found(response) == [(2, "waste_code")]
    assert "already on line 1" in response.json()["errors"][0]["message"]


def test_create_refuses_a_second_return_for_the_same_year(client_for, staff_a, enterprise_a, draft_return):
    response = create(client_for(staff_a), enterprise_a, [line()])
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["year"]
    assert WasteReturn.objects.count() == 1


@pytest.mark.parametrize("year", [1999, 2099])
def test_create_refuses_a_year_outside_the_filing_range(client_for, staff_a, enterprise_a, year):
    response = create(client_for(staff_a), enterprise_a, [line()], year=year)
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["year"]
    assert not WasteReturn.objects.exists()


def test_put_replaces_the_lines_of_a_draft(client_for, staff_a, draft_return):
    lines = [line(TAILINGS, opening="0", generated="10", recycled="0"), line(SLAG, generated="70")]
    response = client_for(staff_a).put(f"{API}{draft_return.pk}/", {"lines": lines}, format="json")
    assert response.status_code == 200, response.content
    assert [item["waste_code"] for item in response.json()["lines"]] == [TAILINGS, SLAG]
    stored = fresh(draft_return).current.lines.order_by("position")
    assert [(item.waste_code.code, str(item.closing)) for item in stored] == [(TAILINGS, "10.000"), (SLAG, "150.000")]


def test_put_with_errors_lists_them_all_and_changes_nothing(client_for, staff_a, draft_return, deposit_b):
    before = list(fresh(draft_return).current.lines.values())
    lines = [line(TAILINGS, closing="1"), line(SLAG, deposit=deposit_b), line("99 99 99")]
    response = client_for(staff_a).put(f"{API}{draft_return.pk}/", {"lines": lines}, format="json")
    assert response.status_code == 400
    assert found(response) == [(1, "closing"), (2, "storage_deposit"), (3, "waste_code")]
    assert list(fresh(draft_return).current.lines.values()) == before
