"""portal.values: the one definition of what a number, a text, a year and a time may be, for every way in; and the
form and API fields that apply it."""

import datetime
import importlib
import inspect
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from rest_framework import serializers

from portal import values
from portal.api import fields

COLUMN = {"max_digits": 16, "decimal_places": 3}  # a return's amount: below 10 billion tonnes, to the kilogram
ARABIC_INDIC = "\u0661\u0662\u0663"  # 123 in Arabic-Indic digits
FULL_WIDTH = "\uff11\uff12\uff13"  # 123 in full-width digits


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("123", Decimal("123")),
        (" 12.5 ", Decimal("12.5")),
        ("1.000000", Decimal("1")),  # trailing zeros are no loss
        ("1e3", Decimal("1000")),
        ("-0", Decimal("0")),
        (".5", Decimal("0.5")),
        (7, Decimal(7)),
        (0.1, Decimal("0.1")),  # the float as written, not its binary expansion
        (Decimal("9999999999999.999"), Decimal("9999999999999.999")),
    ],
)
def test_a_number_the_column_holds_is_read_exactly(raw, expected):
    assert values.number(raw, **COLUMN) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1e25", "too_large"),
        ("1e400", "too_large"),
        ("9" * 40, "too_large"),
        ("10000000000000", "too_large"),
        (1e300, "too_large"),
        (10**40, "too_large"),
        ("0.0001", "decimal_places"),
        ("1e-400", "decimal_places"),
        ("NaN", "invalid"),
        ("Infinity", "invalid"),
        (float("inf"), "invalid"),
        (ARABIC_INDIC, "digits"),
        (FULL_WIDTH, "digits"),
        ("1_000", "invalid"),
        ("0x1A", "invalid"),
        ("1,5", "invalid"),
        ("9" * 5000, "invalid"),
        (True, "invalid"),
        ([1], "invalid"),
        (None, "invalid"),
    ],
)
def test_a_number_the_column_cannot_hold_is_refused_never_rounded(raw, code):
    with pytest.raises(ValidationError) as refused:
        values.number(raw, **COLUMN)
    assert refused.value.code == code
    assert values.message(refused.value)


@pytest.mark.parametrize(("raw", "expected"), [("2024", 2024), ("2024.0", 2024), (2024, 2024), (2024.0, 2024)])
def test_an_integer_is_read_in_ascii_digits(raw, expected):
    assert values.integer(raw) == expected


@pytest.mark.parametrize("raw", ["\u0662\u0660\u0662\u0664", "2_024", "2024.5", "1e3", True, "", "9" * 200])
def test_an_integer_in_other_digits_or_shapes_is_refused(raw):
    with pytest.raises(ValidationError):
        values.integer(raw)


@pytest.mark.parametrize("raw", ["a\x00b", "\x07", "\x1b[2J", "\x7f", "\x85", "\ud800"])
def test_text_with_a_control_character_is_refused(raw):
    with pytest.raises(ValidationError) as refused:
        values.text(raw)
    assert refused.value.code == "control_character"


def test_text_longer_than_its_column_is_refused_never_cut():
    assert values.text("x" * 200, max_length=200) == "x" * 200
    with pytest.raises(ValidationError) as refused:
        values.text("x" * 201, max_length=200)
    assert refused.value.code == "max_length"


def test_tabs_and_line_breaks_are_text():
    assert values.text("one\ttwo\r\nthree") == "one\ttwo\r\nthree"


def test_a_refused_value_is_repeated_short_and_escaped():
    assert values.shown("a\x00b") == "a\\x00b"
    assert len(values.shown("x" * 1000)) == values.SHOWN_LENGTH


def test_years_run_from_1900_to_this_year():
    values.check_year(1900)
    values.check_year(values.this_year())
    for year in (1899, values.this_year() + 1, 2095):
        with pytest.raises(ValidationError):
            values.check_year(year)


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(1, 1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=5))),
        datetime.datetime(1, 1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
        datetime.datetime(1899, 12, 31, 23, tzinfo=datetime.UTC),
        datetime.datetime(9999, 12, 31, 23, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
        datetime.datetime(2095, 1, 1, tzinfo=datetime.UTC),
    ],
)
def test_times_out_of_range_are_refused_without_overflowing(moment):
    with pytest.raises(ValidationError):
        values.check_moment(moment)


def test_a_form_decimal_field_refuses_other_digits_and_extra_places():
    field = values.DecimalField(max_digits=7, decimal_places=2)
    assert field.clean("12.50") == Decimal("12.50")
    assert field.clean("12.500") == Decimal("12.50")
    for raw in (ARABIC_INDIC, "1.005", "1e25", "NaN"):
        with pytest.raises(ValidationError):
            field.clean(raw)


def test_the_api_fields_refuse_what_the_forms_refuse():
    assert fields.DecimalField(max_digits=7, decimal_places=2).run_validation("12.5") == Decimal("12.50")
    for field, raw in [
        (fields.DecimalField(max_digits=7, decimal_places=2), ARABIC_INDIC),
        (fields.DecimalField(max_digits=7, decimal_places=2), "1.005"),
        (fields.IntegerField(), "\u0662\u0660\u0662\u0664"),
        (fields.IntegerField(), "2_024"),
        (fields.CharField(), "a\x07b"),
    ]:
        with pytest.raises(serializers.ValidationError):
            field.run_validation(raw)


def test_every_model_form_of_the_apps_reads_values_as_portal_values_defines_them():
    checked = []
    for config in apps.get_app_configs():
        if not config.name.startswith(("registry", "monitoring", "reports", "portal")):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.ModelForm) and form.__module__ == module.__name__:
                assert form._meta.formfield_callback is values.formfield, form
                checked.append(form)
    assert len(checked) >= 4
