"""A return's warnings are stored as a code and parameters and written out when shown, in the reader's language
with the reader's numbers and dates: a warning computed while Russian was active reads Kazakh on a Kazakh page.
Warnings stored as text before (in any of the three languages) are read back into codes by returns/0004."""

# ruff: noqa: RUF001 (Kazakh and Russian text)

import datetime
import html
import importlib

import pytest
from django.utils import translation

from registry.returns import services
from registry.returns.checks import ReturnWarning
from registry.returns.tests import helpers
from registry.returns.tests.helpers import SLAG, YEAR, fresh, line

pytestmark = pytest.mark.django_db

NBSP = "\xa0"
migration = importlib.import_module("registry.returns.migrations.0004_warnings_as_codes")


@pytest.fixture
def warned(staff_a, inspector, enterprise_a, filing_years):
    """Submitted while Russian was active: last year closed at 1 606 778.7 t, this year opens at 100 t, late."""
    helpers.accepted(staff_a, inspector, enterprise_a, YEAR - 1, [line(SLAG, opening="0", generated="1606778.7",
                                                                      recycled="0", closing="1606778.7")])  # fmt: skip
    filing_years[YEAR].deadline = datetime.date(YEAR + 1, 4, 1)
    filing_years[YEAR].save()
    waste_return = helpers.create(staff_a, enterprise_a, YEAR, [line(SLAG, opening="100")])
    with translation.override("ru"):
        helpers.submit(staff_a, waste_return)
    return fresh(waste_return)


def test_a_warning_is_stored_as_its_code_and_parameters(warned):
    stored = warned.current.warnings
    assert stored[0] == {
        "key": "opening:1", "line": 1, "field": "opening", "code": "opening_differs",
        "params": {"opening": "100.000", "closing": "1606778.700"},
    }  # fmt: skip
    assert stored[-1]["code"] == "late"
    assert stored[-1]["params"]["deadline"] == f"{YEAR + 1}-04-01"
    assert "message" not in stored[0]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", f"1-жол, жыл басындағы қалдық, т: 100,000 т өткен жылғы қабылданған есептегі жыл соңындағы "
               f"қалдықтан (1{NBSP}606{NBSP}778,700 т) өзгеше."),
        ("ru", f"Строка 1, остаток на начало года, т: 100,000 т не совпадает с остатком на конец года "
               f"1{NBSP}606{NBSP}778,700 т по принятому отчёту за прошлый год."),
        ("en", "Line 1, opening balance, t: 100.000 t differs from the closing balance 1,606,778.700 t of last "
               "year's accepted return."),
    ],
)  # fmt: skip
def test_the_page_writes_a_stored_warning_in_the_readers_language(web, inspector, warned, language, expected):
    page = web(inspector).get(f"/returns/{warned.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert html.escape(expected) in page
    version = web(inspector).get(f"/returns/{warned.pk}/versions/1/", HTTP_ACCEPT_LANGUAGE=language)
    assert html.escape(expected) in version.content.decode()


def test_the_api_gives_code_parameters_and_the_message_in_the_clients_language(client_for, inspector, warned):
    client = client_for(inspector)
    english = client.get(f"/api/v1/returns/{warned.pk}/").json()["warnings"][0]
    assert english["code"] == "opening_differs"
    assert english["params"] == {"opening": "100.000", "closing": "1606778.700"}
    assert english["message"].startswith("100.000 t differs from the closing balance 1,606,778.700 t")
    kazakh = client.get(f"/api/v1/returns/{warned.pk}/", HTTP_ACCEPT_LANGUAGE="kk").json()
    assert kazakh["warnings"][0]["message"].startswith("100,000 т өткен жылғы")
    frozen = kazakh["versions"][0]["warnings"]
    assert [item["message"] for item in frozen] == [item["message"] for item in kazakh["warnings"]]


def test_a_late_warning_writes_its_dates_as_the_language_does(warned):
    late = ReturnWarning.from_stored(warned.current.warnings[-1])
    with translation.override("kk"):
        assert f"(01.04.{YEAR + 1})" in late.message
    with translation.override("en"):
        assert f"after the deadline of April 1, {YEAR + 1}." in late.message


def test_a_draft_computes_its_warnings_in_the_readers_language(staff_a, inspector, enterprise_a):
    helpers.accepted(staff_a, inspector, enterprise_a, YEAR - 1, [line(SLAG)])
    waste_return = helpers.create(staff_a, enterprise_a, YEAR, [line(SLAG, opening="100")])
    (warning,) = services.current_warnings(waste_return.current)
    with translation.override("ru"):
        assert str(warning).startswith("Строка 1, остаток на начало года, т: 100,000 т не совпадает")


@pytest.mark.parametrize(
    ("message", "params"),
    [
        ("100.000 t differs from the closing balance 1,606,778.700 t of last year's accepted return.",
         {"opening": "100.000", "closing": "1606778.700"}),
        (f"100,000 т не совпадает с остатком на конец года 1{NBSP}606{NBSP}778,700 т по принятому отчёту за прошлый "
         "год.", {"opening": "100.000", "closing": "1606778.700"}),
        ("100.000 т өткен жылғы қабылданған есептегі жыл соңындағы қалдықтан (1606778.700 т) өзгеше.",
         {"opening": "100.000", "closing": "1606778.700"}),
    ],
)  # fmt: skip
def test_a_warning_stored_as_text_is_read_back_into_its_code(message, params):
    stored = {"key": "opening:1", "line": 1, "field": "opening", "message": message}
    assert migration.read(stored) == {
        "key": "opening:1", "line": 1, "field": "opening", "code": "opening_differs", "params": params
    }  # fmt: skip


def test_stored_text_of_every_kind_is_read_back_and_what_cannot_be_read_is_kept():
    change = {"key": "change:2:generated", "line": 2, "field": "generated",
              "message": "1 000,000 т против 10,500 т в прошлом году: изменение превышает 2.5-кратное."}  # fmt: skip
    late = {"key": "late", "line": None, "field": "submitted_at",
            "message": "2025-04-02 тапсырылды, тапсыру мерзімі (2025-04-01) өткеннен кейін."}  # fmt: skip
    edited = {"key": "opening:1", "line": 1, "field": "opening", "message": "Edited by hand."}
    assert migration.read(change)["params"] == {"now": "1000.000", "then": "10.500", "factor": "2.5"}
    assert migration.read(late)["params"] == {"date": "2025-04-02", "deadline": "2025-04-01"}
    kept = migration.read(edited)
    assert kept["code"] == "legacy"
    with translation.override("kk"):
        assert ReturnWarning.from_stored(kept).message == "Edited by hand."


def test_the_history_names_each_explanation_by_its_warning(web, inspector, warned):
    history = web(inspector).get("/audit/", HTTP_ACCEPT_LANGUAGE="ru")
    text = html.unescape(history.content.decode())
    assert "Строка 1, остаток на начало года, т: " in text
    assert "opening:1" not in text
