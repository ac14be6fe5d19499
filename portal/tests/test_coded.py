"""Stored messages: a code (or msgid) and parameters, written in the reader's language when shown."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy

from portal import coded


def test_a_stored_message_is_written_when_shown():
    template = coded.Template(
        gettext_lazy("Filed on %(date)s, after the deadline of %(deadline)s."),
        {"date": coded.date, "deadline": coded.date},
    )
    params = {"date": "2025-04-02", "deadline": "2025-04-01"}
    with translation.override("en"):
        assert template.render(params) == "Filed on April 2, 2025, after the deadline of April 1, 2025."
    with translation.override("kk"):
        assert template.render(params) == "02.04.2025 тапсырылды, тапсыру мерзімі (01.04.2025) өткеннен кейін."
    # parameters of another shape: the text without them rather than an error
    with translation.override("en"):
        assert template.render({"date": "not a date"}).startswith("Filed on %(date)s")


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_message_written_in_one_language_is_written_again_in_another(language):
    with translation.override(language):
        message = coded.Message("unknown pollutant “%(code)s”.") % {"code": "Xx"}
    assert message.stored() == {"msgid": "unknown pollutant “%(code)s”.", "params": {"code": "Xx"}}
    with translation.override("en"):
        assert coded.written({**message.stored(), "reason": str(message)}, "reason") == "unknown pollutant “Xx”."


def test_a_validation_error_keeps_its_template_and_a_text_stored_before_stays_as_it_was():
    error = ValidationError(gettext_lazy("“%(value)s” is not a number."), code="invalid", params={"value": "x"})
    with translation.override("ru"):
        message = coded.from_error(error)
    assert message.stored() == {"msgid": "“%(value)s” is not a number.", "params": {"value": "x"}}
    assert coded.written({"reason": "Строка без кода"}, "reason") == "Строка без кода"
