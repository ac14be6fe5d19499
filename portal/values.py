"""What a value may be, whichever way it comes in (a form, the API, a row of a file): one definition for every app.

A value the database column cannot hold exactly is refused, never rounded, cut or overflowed: numbers are written
with the ASCII digits 0-9 only (Python's Decimal, int and float also read Arabic-Indic, full-width and other
scripts' digits, and underscores), bounded by the column's digits and decimal places; text holds no control
character (PostgreSQL cannot store NUL, and the others are never meant) and no more characters than its column;
a date lies between EARLIEST_YEAR and today where a later one cannot be true.

The functions raise Django's ValidationError with a code and a message that reads after "Row 3, value:"; the row
parsers (returns, surveys, monitoring) put the row and the field before it. The form fields and the ModelForm
callback below apply the same definitions to forms; portal.api.fields applies them to the API.
"""

import datetime
import re
import unicodedata
from decimal import Context, Decimal, localcontext
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

# No survey, sampling or state of a deposit is dated before this year.
EARLIEST_YEAR = 1900
EARLIEST = datetime.datetime(EARLIEST_YEAR, 1, 1, tzinfo=datetime.UTC)
# A number written with more characters than this is no number any column holds (the widest holds 24 digits).
MAX_NUMBER_LENGTH = 100
# How much of a refused value a message repeats.
SHOWN_LENGTH = 40

# ASCII digits only: re's \d would match every script's digits.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; lone surrogates (which no encoder
# writes, so psycopg would fail on them).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def shown(raw: object) -> str:
    """A refused value as a message may repeat it: control characters escaped, cut to SHOWN_LENGTH characters."""
    text = raw if isinstance(raw, str) else repr(raw)
    text = _FORBIDDEN.sub(lambda match: f"\\x{ord(match.group()):02x}", text)
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def _not_a_number(raw: object) -> ValidationError:
    text = raw if isinstance(raw, str) else ""
    if any(unicodedata.category(char) == "Nd" and not char.isascii() for char in text):
        return ValidationError(
            _("“%(value)s”: write numbers with the digits 0-9."), code="digits", params={"value": shown(raw)}
        )
    return ValidationError(_("“%(value)s” is not a number."), code="invalid", params={"value": shown(raw)})


def as_decimal(raw: object) -> Decimal:
    """A finite decimal from text of ASCII digits (an optional exponent), an int, a finite float or a Decimal."""
    if isinstance(raw, bool):  # an int to Python, never a number to a person
        raise _not_a_number(raw)
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))  # the shortest text that reads back as the float: 0.1, not 0.1000000000000000055
    elif isinstance(raw, str):
        text = raw.strip()
        if len(text) > MAX_NUMBER_LENGTH or not _NUMBER.fullmatch(text):
            raise _not_a_number(raw)
        value = Decimal(text)
    else:
        raise _not_a_number(raw)
    if not value.is_finite():
        raise _not_a_number(raw)
    return value


# Figures the database computes as floats (a mean, a maximum in the base unit, a ratio) are written, in the API and
# the downloads, as plain decimal strings of a fixed number of significant digits: 12, fewer than the 15 to 17 a
# float holds, so that its binary artefacts go (14.999999999999998 is 15.0000000000), and counted from the first
# digit that is not zero, so that a tiny figure keeps its digits (1e-11 is 0.0000000000100000000000), never cut to 0.
FIGURE_DIGITS = 12


def figure(value: float | Decimal | None, digits: int = FIGURE_DIGITS) -> str | None:
    """A figure as a decimal string of `digits` significant digits, never with an exponent: read from the float's
    shortest round-trip text (0.1 + 0.2 is 0.30000000000000004 there), then rounded half-even (0.300000000000).
    Zero is "0"."""
    if value is None:
        return None
    exact = Decimal(repr(value) if isinstance(value, float) else value)
    if not exact.is_finite():
        raise ValueError(f"no figure is written for {value!r}")
    if not exact:
        return "0"
    wide = Context(prec=digits + 1)  # quantize needs room for the digits kept and nothing more

    def kept(number: Decimal) -> Decimal:
        return number.quantize(Decimal(1).scaleb(number.adjusted() - digits + 1), context=wide)

    rounded = kept(exact)
    # Rounding up may carry into a new first digit (9.9999999999999 to 10.00000000000): keep `digits` of that.
    return format(kept(rounded) if rounded.adjusted() > exact.adjusted() else rounded, "f")


def number(raw: object, *, max_digits: int, decimal_places: int, minimum: Decimal | int | None = None) -> Decimal:
    """A decimal that a DecimalField(max_digits, decimal_places) holds exactly; from text (ASCII digits, an optional
    exponent), an int, a finite float or a Decimal. Trailing zeros beyond the places are no loss, other decimals
    are refused rather than rounded."""
    value = as_decimal(raw)
    limit = Decimal(10) ** (max_digits - decimal_places)
    if abs(value) >= limit:
        raise ValidationError(
            _("%(value)s is beyond what this field holds (less than %(limit)s)."),
            code="too_large",
            params={"value": shown(raw), "limit": f"{limit:,}".replace(",", " ")},
        )
    with localcontext() as context:
        context.prec = max(context.prec, max_digits + 1)  # so that quantizing a value within bounds is exact
        exact = value == value.quantize(Decimal(1).scaleb(-decimal_places))
    if not exact:
        raise ValidationError(
            _("%(value)s has more decimals than the %(places)s this field holds."),
            code="decimal_places",
            params={"value": shown(raw), "places": decimal_places},
        )
    if minimum is not None and value < minimum:
        raise ValidationError(
            _("%(value)s is less than %(minimum)s."), code="min_value", params={"value": shown(raw), "minimum": minimum}
        )
    return value


def integer(raw: object, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer from text of ASCII digits (a trailing ".0" allowed, as forms send it), an int or an integral
    float, within the bounds."""
    if isinstance(raw, bool):
        raise _not_a_number(raw)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif (
        isinstance(raw, str)
        and len(raw.strip()) <= MAX_NUMBER_LENGTH
        and _INTEGER.fullmatch(text := re.sub(r"\.0*$", "", raw.strip()))
    ):
        value = int(text)
    else:
        raise ValidationError(_("“%(value)s” is not a whole number."), code="invalid", params={"value": shown(raw)})
    if minimum is not None and value < minimum:
        raise ValidationError(
            _("%(value)s is less than %(minimum)s."), code="min_value", params={"value": value, "minimum": minimum}
        )
    if maximum is not None and value > maximum:
        raise ValidationError(
            _("%(value)s is more than %(maximum)s."), code="max_value", params={"value": value, "maximum": maximum}
        )
    return value


def validate_text(value: object) -> None:
    """No control character (tab and line breaks aside) and no lone surrogate; a validator for any text field."""
    if isinstance(value, str) and (match := _FORBIDDEN.search(value)):
        raise ValidationError(
            _("the text holds a control character (%(character)s) at position %(position)s."),
            code="control_character",
            params={"character": f"\\x{ord(match.group()):02x}", "position": match.start() + 1},
        )


def text(raw: object, *, max_length: int | None = None) -> str:
    """Text a CharField(max_length) or TextField holds as it is: longer text is refused, never cut."""
    value = "" if raw is None else raw if isinstance(raw, str) else str(raw)
    validate_text(value)
    if max_length is not None and len(value) > max_length:
        raise ValidationError(
            _("the text is %(length)s characters long; this field holds at most %(limit)s."),
            code="max_length",
            params={"length": len(value), "limit": max_length},
        )
    return value


def this_year() -> int:
    return timezone.localdate().year


def check_year(value: object, *, earliest: int = EARLIEST_YEAR, latest: int | None = None) -> None:
    """A year from `earliest` to `latest` (this year by default): no survey or state is dated in the future.
    Anything but an int is left to the field's own check."""
    latest = this_year() if latest is None else latest
    if isinstance(value, int) and not earliest <= value <= latest:
        raise ValidationError(
            _("%(year)s is not a year from %(earliest)s to %(latest)s."),
            code="year",
            params={"year": value, "earliest": earliest, "latest": latest},
        )


def check_moment(value: datetime.datetime, *, future: bool = False, now: datetime.datetime | None = None) -> None:
    """An aware time from EARLIEST on, and not after `now` (by default the present) unless `future`. The year is
    looked at first: a time near year 1 or 9999 cannot be moved to UTC or another zone without overflowing."""
    if not EARLIEST_YEAR <= value.year < datetime.MAXYEAR or value < EARLIEST:
        raise ValidationError(
            _("the time lies before %(earliest)s or beyond any plausible date."),
            code="date_range",
            params={"earliest": EARLIEST_YEAR},
        )
    if not future and value > (now or timezone.now()):
        raise ValidationError(_("the time is in the future."), code="future")


def decimal_column(model: type[models.Model], name: str) -> dict[str, int]:
    """The digits and decimal places of a model's DecimalField, as `number` takes them."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.DecimalField)
    return {"max_digits": field.max_digits, "decimal_places": field.decimal_places}


def text_column(model: type[models.Model], name: str) -> int | None:
    """The max_length of a model's CharField (None for a TextField)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.max_length


def message(error: ValidationError) -> str:
    """A ValidationError of this module as one sentence, its parameters filled in."""
    return " ".join(error.messages)


# Forms: the same definitions on Django's form fields.


class DecimalField(forms.DecimalField):
    """ASCII digits only, within the field's digits and decimal places (refused beyond them, never rounded)."""

    # The stubs type DecimalField's to_python as its base IntegerField's.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        try:
            if self.max_digits is None or self.decimal_places is None:
                return as_decimal(value)
            exact = number(value, max_digits=self.max_digits, decimal_places=self.decimal_places)
        except ValidationError as exc:
            raise ValidationError(capfirst(message(exc)), code=exc.code) from None
        # Trailing zeros beyond the places are no loss: dropped, so that Django's DecimalValidator agrees.
        return exact.quantize(Decimal(1).scaleb(-self.decimal_places))


class IntegerField(forms.IntegerField):
    """ASCII digits only (Django's own also reads "٢٠٢٤" and "2_024" as 2024)."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        try:
            return integer(value)
        except ValidationError as exc:
            raise ValidationError(capfirst(message(exc)), code=exc.code) from None


class CharField(forms.CharField):
    default_validators = [validate_text]


def formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Every ModelForm's `Meta.formfield_callback`: the model's numbers and text read with the definitions above."""
    if isinstance(db_field, models.DecimalField) and not db_field.choices:
        kwargs["form_class"] = DecimalField
    elif isinstance(db_field, models.IntegerField) and not db_field.choices:
        kwargs["form_class"] = IntegerField
    field = db_field.formfield(**kwargs)
    if isinstance(field, forms.CharField):
        field.validators.append(validate_text)
    return field
