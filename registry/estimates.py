"""The two derived figures users ask of a deposit: resource potential and forecast.

Both are ranges: a single number would hide how uncertain grades and growth rates are.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from registry.models import Deposit, DepositComponent

# Elements whose contained mass is a recoverable resource; oxides and phases are not summed as metal.
METALS = frozenset(
    ["Cu", "Pb", "Zn", "Au", "Ag", "Fe", "Mn", "Cr", "Ni", "Co", "Mo", "W", "Sn", "Sb", "Bi", "Cd", "Ti", "V",
     "Al", "Mg", "Re", "Se", "Te", "In", "Ga", "Ge", "U", "Th", "REE", "Li", "Be", "Nb", "Ta", "Zr", "Hg", "As"]
)  # fmt: skip
_UNIT_FACTOR: dict[str, Decimal] = {
    DepositComponent.Unit.PERCENT: Decimal("0.01"),
    DepositComponent.Unit.GRAMS_PER_TONNE: Decimal("1e-6"),
}


@dataclass(frozen=True)
class Span:
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class ContainedMetal:
    component: str
    grade: DepositComponent
    mean_t: Decimal | None
    range_t: Span | None


@dataclass(frozen=True)
class Forecast:
    year: int
    from_year: int
    tonnage_t: Span | None
    area_ha: Span | None
    max_height_m: Span | None


def resource_potential(deposit: Deposit, components: Iterable[DepositComponent]) -> list[ContainedMetal]:
    """Contained metal = tonnage x grade, for the mean grade and for each end of the grade range."""
    rows = []
    for line in components:
        if line.basis != DepositComponent.Basis.CHEMICAL or line.component not in METALS:
            continue
        factor = deposit.tonnage_t * _UNIT_FACTOR[line.unit]
        mean_t = line.mean * factor if line.mean is not None else None
        span = Span(line.minimum * factor, line.maximum * factor) if line.minimum is not None else None
        rows.append(ContainedMetal(line.component, line, mean_t, span))
    return rows


def _grow(start: Decimal | None, low: Decimal | None, high: Decimal | None, years: int) -> Span | None:
    if start is None or low is None or high is None:
        return None
    return Span(start + years * low, start + years * high)


def forecast(deposit: Deposit, year: int) -> Forecast:
    """The state in `year`, growing linearly from the latest survey at the annual increase range."""
    if year < deposit.state_year:
        message = _("Forecasts start from the latest survey (%(year)s); choose that year or later.")
        raise ValidationError({"year": message % {"year": deposit.state_year}})
    if year > deposit.state_year + 100:
        raise ValidationError({"year": _("Forecasts reach at most 100 years beyond the latest survey.")})
    years = year - deposit.state_year
    return Forecast(
        year=year,
        from_year=deposit.state_year,
        tonnage_t=_grow(deposit.tonnage_t, deposit.annual_increase_min_t, deposit.annual_increase_max_t, years),
        area_ha=_grow(deposit.area_ha, deposit.area_increase_min_ha, deposit.area_increase_max_ha, years),
        max_height_m=_grow(deposit.max_height_m, deposit.height_increase_min_m, deposit.height_increase_max_m, years),
    )
