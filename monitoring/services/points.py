"""Monitoring points of an enterprise."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from monitoring.models import (
    MonitoringPoint,
)
from portal.permissions import Action, AnyUser, can, require


@transaction.atomic
def point_create(*, actor: AnyUser, fields: dict[str, Any]) -> MonitoringPoint:
    """A new monitoring point of an enterprise the actor may change, near a deposit they may change."""
    require(actor, Action.CHANGE, fields["enterprise"], _("You may not add points for %(enterprise)s.") % {
        "enterprise": fields["enterprise"]})  # fmt: skip
    if fields.get("deposit") is not None:
        deposit = fields["deposit"]
        if not can(actor, Action.VIEW, deposit):
            raise ValidationError({"deposit": _("No such deposit.")})
        if deposit.operator_id != fields["enterprise"].pk:
            raise ValidationError({"deposit": _("A point is placed at a deposit of its own enterprise.")})
    if fields.get("is_published") and not can(actor, Action.PUBLISH):
        raise ValidationError({"is_published": _("Only regulator administrators publish monitoring points.")})
    point = MonitoringPoint(**fields)
    point.full_clean()
    point.save()
    return point
