"""Django ships no Kazakh formats (it fell back to the English "1,606,778.7"): portal/formats/kk gives Kazakh the
grouping and decimal comma of the Kazakh CLDR data, as Russian has them, and numeric dates."""

import datetime
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format, number_format


def test_kazakh_numbers_group_thousands_with_a_space_and_use_a_decimal_comma():
    for language in ("kk", "ru"):
        with translation.override(language):
            assert number_format(Decimal("1606778.7"), 1, force_grouping=True) == "1\xa0606\xa0778,7"
    with translation.override("en"):
        assert number_format(Decimal("1606778.7"), 1, force_grouping=True) == "1,606,778.7"


def test_kazakh_dates_are_written_in_numbers():
    moment = datetime.datetime(2026, 11, 25, 10, 5)
    with translation.override("kk"):
        assert date_format(moment.date()) == "25.11.2026"
        assert date_format(moment, "DATETIME_FORMAT") == "25.11.2026 10:05"
