from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from registry import estimates
from registry.tests.factories import ComponentFactory, DepositFactory, balkhash_slag_deposit


@pytest.fixture
def balkhash(db):
    return balkhash_slag_deposit()


def test_balkhash_forecast_2030(balkhash):
    result = estimates.forecast(balkhash, 2030)

    assert (result.year, result.from_year) == (2030, 2023)
    # 32.4 Mt + 7 years x 380-450 kt
    assert result.tonnage_t.low == Decimal("35060000")
    assert result.tonnage_t.high == Decimal("35550000")
    # 120 ha + 7 years x 1.5-2.0 ha
    assert result.area_ha.low == Decimal("130.5")
    assert result.area_ha.high == Decimal("134")
    # no height growth rate is known, so no height forecast
    assert result.max_height_m is None


def test_balkhash_forecast_lies_within_the_published_forecast(balkhash):
    result = estimates.forecast(balkhash, 2030)
    assert Decimal("35.0e6") <= result.tonnage_t.low <= result.tonnage_t.high <= Decimal("35.8e6")
    assert Decimal("130") <= result.area_ha.low <= result.area_ha.high <= Decimal("135")


def test_forecast_for_the_survey_year_is_the_current_state(balkhash):
    result = estimates.forecast(balkhash, 2023)
    assert result.tonnage_t.low == result.tonnage_t.high == balkhash.tonnage_t


@pytest.mark.parametrize("year", [2022, 1990])
def test_forecast_before_the_survey_year_refused(balkhash, year):
    with pytest.raises(ValidationError) as excinfo:
        estimates.forecast(balkhash, year)
    assert "year" in excinfo.value.message_dict
    assert "2023" in excinfo.value.message_dict["year"][0]


def test_forecast_more_than_a_century_ahead_refused(balkhash):
    estimates.forecast(balkhash, 2123)
    with pytest.raises(ValidationError) as excinfo:
        estimates.forecast(balkhash, 2124)
    assert "year" in excinfo.value.message_dict


def test_balkhash_copper_potential(balkhash):
    rows = {row.component: row for row in estimates.resource_potential(balkhash, balkhash.components.all())}

    # metals only: SiO2, Fe2O3, CaO and Al2O3 are oxides, not recoverable metal
    assert set(rows) == {"Cu", "Pb", "Zn"}
    copper = rows["Cu"]
    assert copper.mean_t == Decimal("259200")  # 32.4 Mt x 0.8 %
    assert copper.range_t.low == Decimal("64800")  # x 0.2 %
    assert copper.range_t.high == Decimal("486000")  # x 1.5 %


def test_grams_per_tonne_and_missing_mean(db):
    deposit = DepositFactory(tonnage_t=Decimal("2000000"))
    ComponentFactory(
        deposit=deposit, component="Au", unit="g/t", mean=None, minimum=Decimal("0.5"), maximum=Decimal("1.5")
    )
    ComponentFactory(deposit=deposit, component="fayalite", basis="mineral", mean=Decimal("45"))

    (gold,) = estimates.resource_potential(deposit, deposit.components.all())

    assert gold.component == "Au"
    assert gold.mean_t is None
    assert (gold.range_t.low, gold.range_t.high) == (Decimal("1"), Decimal("3"))  # 2 Mt x 0.5-1.5 g/t
