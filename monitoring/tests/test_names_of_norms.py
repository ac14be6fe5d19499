"""A norm is named by its medium's and averaging period's labels, and its value as the reader's language writes it."""

import datetime
from decimal import Decimal

from django.utils import translation

from monitoring.models import MpcNorm, Pollutant


def test_a_norm_is_named_by_its_medium_and_averaging_not_their_stored_values():
    norm = MpcNorm(
        pollutant=Pollutant(code="Cu", name_en="Copper"), medium="surface_water", averaging="single",
        value=Decimal("0.0010000000"), unit="mg/l", legal_basis="-", valid_from=datetime.date(2020, 1, 1),
    )  # fmt: skip
    with translation.override("en"):
        assert str(norm) == "Cu surface water, single (maximum one-time): 0.001 mg/l"
    with translation.override("ru"):
        assert "surface_water" not in str(norm)
        assert "0,001" in str(norm)
