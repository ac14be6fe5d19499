"""The web form's line endpoints (htmx): POST /returns/<id>/lines/new/ and /lines/<n>/edit/.

A refused line comes back as the form with the error beside its field, and nothing is saved."""

import html

import pytest

from registry.returns.tests.helpers import FLUE_DUST, SLAG, TAILINGS, TAILINGS_HAZARDOUS, fresh, line

pytestmark = pytest.mark.django_db


def form_data(raw):
    return {key: "" if value is None else value for key, value in raw.items()}


def lines_of(waste_return):
    return list(fresh(waste_return).current.lines.order_by("position").values())


def post_line(client, waste_return, raw, position=None):
    path = f"lines/{position}/edit/" if position else "lines/new/"
    response = client.post(f"/returns/{waste_return.pk}/{path}", form_data(raw), headers={"HX-Request": "true"})
    return response, html.unescape(response.content.decode())


def test_a_good_line_is_saved_and_comes_back_as_a_row(web, staff_a, draft_return, deposit_a):
    response, text = post_line(web(staff_a), draft_return, line(SLAG, deposit=deposit_a))
    assert response.status_code == 200
    assert 'id="line-2"' in text
    stored = fresh(draft_return).current.lines.get(position=2)
    assert (stored.waste_code.code, stored.storage_deposit_id, stored.closing) == (SLAG, deposit_a.pk, 130)


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        (line(TAILINGS, closing="130.002"), "closing", "the balance does not hold"),
        (line(TAILINGS, received="-2", closing="128"), "received", "amounts cannot be negative"),
        (line("99 99 99"), "waste_code", "99 99 99 is not in the waste classifier"),
        (line("10 06 01 01"), "waste_code", "is not a six-digit code"),
        (line(TAILINGS_HAZARDOUS), "hazard_level", "01 03 05* is hazardous"),
        (line(TAILINGS, level="amber"), "hazard_level", "01 03 06 is not hazardous"),
        (line(SLAG), "waste_code", "10 06 01 at this storage place is already on another line"),
    ],
    ids=["balance", "negative", "unknown", "malformed", "no-level", "level-on-non-hazardous", "duplicate"],
)
def test_a_bad_line_comes_back_with_its_error(web, staff_a, draft_return, raw, field, words):
    before = lines_of(draft_return)
    response, text = post_line(web(staff_a), draft_return, raw)
    assert response.status_code == 200
    assert 'id="new-line"' in text  # the form, not a saved row
    assert words in text
    assert f'name="{field}"' in text
    assert 'aria-invalid="true"' in text or "errorlist" in text
    assert lines_of(draft_return) == before


def test_every_error_of_the_line_is_shown(web, staff_a, draft_return):
    before = lines_of(draft_return)
    raw = line("99 99 99", opening="-1", generated="x", closing="0")
    _, text = post_line(web(staff_a), draft_return, raw)
    assert "99 99 99 is not in the waste classifier" in text
    assert "amounts cannot be negative (-1)" in text
    assert "“x” is not a number" in text
    assert lines_of(draft_return) == before


def test_a_deposit_of_another_enterprise_is_refused(web, staff_a, draft_return, deposit_b):
    before = lines_of(draft_return)
    response, text = post_line(web(staff_a), draft_return, line(TAILINGS, deposit=deposit_b))
    assert response.status_code == 200
    assert f"deposit {deposit_b.pk} is not one of this enterprise's deposits" in text
    assert lines_of(draft_return) == before


def test_a_hazardous_line_with_its_level_is_saved(web, staff_a, draft_return):
    raw = line(FLUE_DUST, level="red", opening="0", generated="2.5", recycled="0")
    response, _ = post_line(web(staff_a), draft_return, raw)
    assert response.status_code == 200
    assert fresh(draft_return).current.lines.get(position=2).hazard_level == "red"


def test_editing_a_line_keeps_its_position(web, staff_a, draft_return):
    response, text = post_line(web(staff_a), draft_return, line(SLAG, generated="80"), position=1)
    assert response.status_code == 200
    assert 'id="line-1"' in text
    (stored,) = fresh(draft_return).current.lines.all()
    assert (stored.position, stored.generated, stored.closing) == (1, 80, 160)


def test_a_submitted_return_cannot_be_edited_line_by_line(web, staff_a, submitted_return):
    before = lines_of(submitted_return)
    client = web(staff_a)
    _, text = post_line(client, submitted_return, line(TAILINGS))
    assert "Version 1 is submitted" in text
    _, text = post_line(client, submitted_return, line(SLAG, generated="80"), position=1)
    assert "Version 1 is submitted" in text
    assert lines_of(submitted_return) == before


def test_a_line_of_a_submitted_return_cannot_be_deleted(web, staff_a, submitted_return):
    before = lines_of(submitted_return)
    response = web(staff_a).post(f"/returns/{submitted_return.pk}/lines/1/delete/")
    assert response.status_code == 400
    assert lines_of(submitted_return) == before


def test_the_balance_check_saves_nothing(web, staff_a, draft_return):
    before = lines_of(draft_return)
    client = web(staff_a)
    response = client.post(f"/returns/{draft_return.pk}/lines/check/", form_data(line(TAILINGS, closing="1")))
    assert response.status_code == 200
    assert "130.000 t" in html.unescape(response.content.decode())
    assert lines_of(draft_return) == before
