import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_BIN_FORMAT = re.compile(r"[0-9]{12}")
_WEIGHTS_FIRST = range(1, 12)
_WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def bin_check_digit(first_eleven: str) -> int | None:
    """The 12th digit of a BIN/IIN, or None when the number can have no valid check digit."""
    digits = [int(c) for c in first_eleven]
    for weights in (_WEIGHTS_FIRST, _WEIGHTS_SECOND):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def validate_bin(value: str) -> None:
    """Business identification number: 12 digits, the last a check digit (mod 11, two passes)."""
    # str.isdigit() would accept other scripts' digits (Arabic-Indic, full-width); a BIN is ASCII.
    if not _BIN_FORMAT.fullmatch(value):
        raise ValidationError(_("A BIN has exactly 12 digits."), code="bin_format")
    if bin_check_digit(value[:11]) != int(value[11]):
        raise ValidationError(_("The BIN's check digit (the 12th digit) is wrong."), code="bin_check_digit")
