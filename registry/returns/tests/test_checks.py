"""registry.returns.checks.parse_lines: every error of every line, each with its line and field."""

from decimal import Decimal

import pytest

from registry.returns.checks import parse_lines
from registry.returns.models import WasteCode
from registry.returns.reference import load_waste_codes
from registry.returns.tests.helpers import FLUE_DUST, SLAG, TAILINGS, TAILINGS_HAZARDOUS, line

pytestmark = pytest.mark.django_db


def errors(raw_lines, deposit_ids=frozenset(), first_position=1):
    parsed, issues = parse_lines(raw_lines, deposit_ids=set(deposit_ids), first_position=first_position)
    return parsed, [(issue.line, issue.field) for issue in issues], issues


def test_a_balanced_line_is_parsed_into_decimals():
    parsed, found, _ = errors([line(opening="100", generated="50", recycled="20", closing="130")])
    assert found == []
    (only,) = parsed
    assert only.position == 1
    assert only.waste_code.code == SLAG
    assert only.storage_deposit_id is None
    assert only.hazard_level == ""
    assert only.amounts["closing"] == Decimal("130")


@pytest.mark.parametrize("closing", ["130.001", "129.999"])
def test_the_balance_tolerates_one_kilogram(closing):
    parsed, found, _ = errors([line(opening="100", generated="50", recycled="20", closing=closing)])
    assert found == []
    assert parsed[0].amounts["closing"] == Decimal(closing)


@pytest.mark.parametrize("closing", ["130.002", "129.998", "0"])
def test_the_balance_refuses_two_kilograms_off(closing):
    parsed, found, issues = errors([line(opening="100", generated="50", recycled="20", closing=closing)])
    assert parsed == []
    assert found == [(1, "closing")]
    assert "balance does not hold" in issues[0].message
    assert "130.000 t" in issues[0].message  # the closing balance the other amounts imply


@pytest.mark.parametrize(
    "outflow",
    [{"recycled": "20"}, {"disposed": "20"}, {"transferred": "20"}],
    ids=["recycled", "disposed", "transferred"],
)
def test_every_outflow_counts_in_the_balance(outflow):
    amounts = {"opening": "100", "generated": "30", "received": "20", "recycled": "0", **outflow}
    _, found, _ = errors([line(**amounts, closing="130")])
    assert found == []
    _, found, _ = errors([line(**amounts, closing="170")])
    assert found == [(1, "closing")]


@pytest.mark.parametrize("field", ["opening", "generated", "received", "recycled", "disposed", "transferred"])
def test_a_negative_amount_is_refused_with_its_field(field):
    raw = line(**{field: "-5"}, closing="0")
    _, found, issues = errors([raw])
    assert (1, field) in found
    assert any("cannot be negative" in issue.message for issue in issues if issue.field == field)


def test_a_negative_closing_balance_is_refused():
    _, found, _ = errors([line(opening="0", generated="0", recycled="0", closing="-1")])
    assert found == [(1, "closing")]


def test_an_unknown_code_is_refused():
    _, found, issues = errors([line("99 99 99")])
    assert found == [(1, "waste_code")]
    assert "99 99 99 is not in the waste classifier" in issues[0].message


@pytest.mark.parametrize("code", ["10 06", "10-06-01", "1006011", "slag", "10 06 0x"])
def test_a_malformed_code_is_refused(code):
    _, found, issues = errors([line(code)])
    assert found == [(1, "waste_code")]
    assert "is not a six-digit code" in issues[0].message


def test_a_missing_code_is_refused():
    _, found, issues = errors([line("")])
    assert found == [(1, "waste_code")]
    assert "missing" in issues[0].message


@pytest.mark.parametrize("code", ["100601", "10 06 01", "10 06 01*", " 10 06 01 "])
def test_the_ways_of_writing_a_code(code):
    parsed, found, _ = errors([line(code)])
    assert found == []
    assert parsed[0].waste_code.code == SLAG


@pytest.mark.parametrize("code", [FLUE_DUST, TAILINGS_HAZARDOUS])
def test_a_hazardous_code_needs_its_hazard_level(code):
    _, found, issues = errors([line(code, level="")])
    assert found == [(1, "hazard_level")]
    assert f"{code}* is hazardous" in issues[0].message


@pytest.mark.parametrize("code", [SLAG, TAILINGS])
def test_a_non_hazardous_code_takes_no_hazard_level(code):
    _, found, issues = errors([line(code, level="amber")])
    assert found == [(1, "hazard_level")]
    assert "not hazardous" in issues[0].message


def test_an_unknown_hazard_level_is_refused():
    _, found, _ = errors([line(FLUE_DUST, level="purple")])
    assert found == [(1, "hazard_level")]


@pytest.mark.parametrize("level", ["red", "amber", "green", "AMBER"])
def test_a_hazardous_code_with_its_level_is_accepted(level):
    parsed, found, _ = errors([line(FLUE_DUST, level=level)])
    assert found == []
    assert parsed[0].hazard_level == level.lower()
    assert parsed[0].waste_code.hazardous


def test_the_same_code_twice_at_the_same_place_is_refused(deposit_a):
    raw = [line(SLAG, deposit=deposit_a), line(TAILINGS), line(SLAG, deposit=deposit_a)]
    parsed, found, issues = errors(raw, {deposit_a.pk})
    assert found == [(3, "waste_code")]
    assert "already on line 1" in issues[0].message
    assert len(parsed) == 2


def test_the_same_code_twice_without_a_place_is_refused():
    _, found, _ = errors([line(SLAG), line(SLAG)])
    assert found == [(2, "waste_code")]


def test_the_same_code_at_two_places_is_two_lines(deposit_a):
    parsed, found, _ = errors([line(SLAG, deposit=deposit_a), line(SLAG)], {deposit_a.pk})
    assert found == []
    assert [item.storage_deposit_id for item in parsed] == [deposit_a.pk, None]


def test_a_deposit_of_another_enterprise_is_refused(deposit_a, deposit_b):
    _, found, issues = errors([line(SLAG, deposit=deposit_b)], {deposit_a.pk})
    assert found == [(1, "storage_deposit")]
    assert f"deposit {deposit_b.pk} is not one of this enterprise" in issues[0].message


def test_every_error_of_every_line_at_once(deposit_b):
    raw = [
        line(SLAG),
        line(SLAG, opening="100", generated="50", recycled="20", closing="130.002"),
        line("99 99 99", opening="-1", closing="0"),
        line("10-06", deposit=deposit_b),
        line(FLUE_DUST, level=""),
        line(TAILINGS, level="red", generated="abc", closing="130"),
        line(SLAG),
    ]
    parsed, found, _ = errors(raw, first_position=2)  # numbered as the rows of a file
    assert found == [
        (3, "closing"),
        (4, "waste_code"),
        (4, "opening"),
        (5, "waste_code"),
        (5, "storage_deposit"),
        (6, "hazard_level"),
        (7, "hazard_level"),
        (7, "generated"),
        (8, "waste_code"),  # the same code without a place as row 2
    ]
    assert [item.position for item in parsed] == [2]


def test_amounts_need_at_most_three_decimals_and_may_use_a_comma():
    _, found, _ = errors([line(opening="100.0001", generated="0", recycled="0", closing="100.0001")])
    assert (1, "opening") in found
    parsed, found, _ = errors([line(opening="100,5", generated="0", recycled="0", closing="100.5")])
    assert found == []
    assert parsed[0].amounts["opening"] == Decimal("100.5")


def test_the_whole_classifier_loads_and_parses():
    """With the full file loaded, codes from every chapter it covers parse; absent ones do not."""
    WasteCode.objects.all().delete()
    assert load_waste_codes() > 300 - 10  # every entry of the file, and a few mirror links
    raw = [line("19 01 11", level="red"), line("01 03 04", level="amber"), line("20 03 01"), line("02 01 01")]
    _, found, _ = errors(raw)
    assert found == [(4, "waste_code")]
    assert WasteCode.objects.get(code=TAILINGS_HAZARDOUS).hazardous
    assert not WasteCode.objects.get(code=TAILINGS).hazardous
