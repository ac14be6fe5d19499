from decimal import Decimal

from django import template
from django.utils.translation import pgettext_lazy

register = template.Library()

# The parts of a unit's code (as stored: "mg/m3", "ug/l") as the reader's language writes them ("мг/м³").
UNIT_PARTS = {
    "t": pgettext_lazy("unit", "t"),
    "kg": pgettext_lazy("unit", "kg"),
    "g": pgettext_lazy("unit", "g"),
    "mg": pgettext_lazy("unit", "mg"),
    "ug": pgettext_lazy("unit", "µg"),
    "µg": pgettext_lazy("unit", "µg"),
    "m3": pgettext_lazy("unit", "m³"),
    "l": pgettext_lazy("unit", "l"),
    "ha": pgettext_lazy("unit", "ha"),
    "m": pgettext_lazy("unit", "m"),
    "%": "%",
}


@register.filter
def unit(code: str | None) -> str:
    """A unit's code as the reader's language writes it; a part it does not know as it is."""
    if not code:
        return ""
    return "/".join(str(UNIT_PARTS.get(part, part)) for part in str(code).split("/"))


@register.filter
def kt(tonnes: Decimal | None) -> Decimal | None:
    """Tonnes to thousand tonnes."""
    return None if tonnes is None else tonnes / 1000


@register.filter
def mt(tonnes: Decimal | None) -> Decimal | None:
    """Tonnes to million tonnes."""
    return None if tonnes is None else tonnes / 1_000_000


@register.filter
def percent(fraction: Decimal | float | None) -> Decimal | float | None:
    """A fraction as a percentage (0.35 to 35): cuts and shares are stored as fractions."""
    return None if fraction is None else fraction * 100
