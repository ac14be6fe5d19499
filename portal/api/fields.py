"""The API's fields that read values as portal.values defines them, so that the API refuses what forms and files
refuse (numbers in other scripts' digits or beyond their column, control characters)."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.text import capfirst
from rest_framework import serializers

from portal import values


def _refused(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(capfirst(values.message(exc)), code=exc.code)


class NaturalKeyField(serializers.SlugRelatedField):
    """A related object named by a natural key (BIN, ISO code), with control characters refused up front."""

    def to_internal_value(self, data: Any) -> models.Model:
        try:
            values.validate_text(data)
        except DjangoValidationError:
            self.fail("invalid")
        return super().to_internal_value(data)


class DecimalField(serializers.DecimalField):
    """ASCII digits only, within the field's digits and decimal places: refused beyond them, never rounded."""

    def to_internal_value(self, data: Any) -> Decimal:
        try:
            if self.max_digits is None or self.decimal_places is None:
                return values.as_decimal(data)
            value = values.number(data, max_digits=self.max_digits, decimal_places=self.decimal_places)
        except DjangoValidationError as exc:
            raise _refused(exc) from None
        return self.quantize(value)  # exact: the value has no more places than this


class IntegerField(serializers.IntegerField):
    """ASCII digits only (DRF's own also reads "٢٠٢٤" and "2_024" as 2024)."""

    def to_internal_value(self, data: Any) -> int:
        try:
            return values.integer(data)
        except DjangoValidationError as exc:
            raise _refused(exc) from None


class CharField(serializers.CharField):
    """Text without control characters (DRF's own refuses only NUL)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(values.validate_text)


# What a ModelSerializer makes of each model field, with the fields above in place of DRF's.
STRICT = {serializers.DecimalField: DecimalField, serializers.IntegerField: IntegerField}


class FigureField(serializers.DecimalField):
    """A figure computed as a float, as `portal.values.figure` writes it (its schema: a decimal string)."""

    def __init__(self, *, digits: int = values.FIGURE_DIGITS, **kwargs: Any) -> None:
        super().__init__(max_digits=None, decimal_places=None, read_only=True, **kwargs)
        self.digits = digits

    def to_representation(self, value: Any) -> str | None:  # type: ignore[override]
        return values.figure(value, self.digits)
