import pytest
from django.core.exceptions import ValidationError

from registry.tests.factories import EnterpriseFactory, next_valid_bin
from registry.validators import bin_check_digit, validate_bin


@pytest.mark.parametrize(
    ("first_eleven", "check_digit"),
    [
        # 1*1 + 1*11 = 12, 12 mod 11 = 1
        ("10000000001", 1),
        # 1 + 2 + ... + 11 = 66, 66 mod 11 = 0
        ("11111111111", 0),
        # first pass: 296 mod 11 = 10, so the second weights (3..11, 1, 2) decide: 377 mod 11 = 3
        ("12345678901", 3),
        # first pass: 1*1 + 2*10 = 21, 21 mod 11 = 10; second pass: 1*3 + 2*1 = 5
        ("10000000020", 5),
    ],
)
def test_check_digit(first_eleven, check_digit):
    assert bin_check_digit(first_eleven) == check_digit


def test_no_check_digit_when_both_passes_give_ten():
    # first pass: 1*1 + 2*10 + 8*11 = 109, mod 11 = 10; second pass: 1*3 + 2*1 + 8*2 = 21, mod 11 = 10
    assert bin_check_digit("10000000028") is None
    for digit in "0123456789":
        with pytest.raises(ValidationError):
            validate_bin("10000000028" + digit)


@pytest.mark.parametrize("value", ["100000000011", "111111111110", "123456789013", "100000000205"])
def test_valid_bins_pass(value):
    validate_bin(value)


@pytest.mark.parametrize("value", ["100000000012", "123456789010", "100000000200", "100000000206"])
def test_wrong_check_digit_refused(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_bin(value)
    assert excinfo.value.code == "bin_check_digit"


@pytest.mark.parametrize("value", ["", "12345678901", "1234567890131", "12345678901a", "12345 678901"])
def test_malformed_bin_refused(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_bin(value)
    assert excinfo.value.code == "bin_format"


def in_script(number: str, zero: int) -> str:
    """`number` written with the Unicode digits whose zero is code point `zero`."""
    return "".join(chr(zero + int(digit)) for digit in number)


@pytest.mark.parametrize(
    "value",
    [
        in_script("123456789013", 0xFF10),  # fullwidth digits of a valid BIN
        in_script("123456789013", 0x0660),  # Arabic-Indic digits
        "12345678901\u00b2",  # superscript two: str.isdigit() is true, int() fails
    ],
    ids=["fullwidth", "arabic-indic", "superscript"],
)
def test_non_ascii_digits_refused_as_format_error(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_bin(value)
    assert excinfo.value.code == "bin_format"


@pytest.mark.django_db
def test_factory_bins_are_valid_and_unique():
    bins = [EnterpriseFactory().bin for _ in range(20)] + [next_valid_bin() for _ in range(20)]
    assert len(set(bins)) == len(bins)
    for value in bins:
        validate_bin(value)
