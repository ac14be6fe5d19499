from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def kt(tonnes: Decimal | None) -> Decimal | None:
    """Tonnes to thousand tonnes."""
    return None if tonnes is None else tonnes / 1000


@register.filter
def mt(tonnes: Decimal | None) -> Decimal | None:
    """Tonnes to million tonnes."""
    return None if tonnes is None else tonnes / 1_000_000
