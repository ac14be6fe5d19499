"""Reads of permits, sources and limits: scoped to what a user may see, and the limits in force in a year.

The public reads verified permits with their limits and the published sources; staff their enterprise's drafts;
inspectors those of their regions (the querysets' `restrict`). `current_permit` and `limits_in_force` are the
system's reads (compliance, the public register): verified permits only, whoever asks.
"""

import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from portal.models import ChangeRecord
from portal.permissions import Action, AnyUser, require
from portal.selectors import history_of
from registry.models import Enterprise
from registry.permits.models import EmissionLimit, EmissionSource, Permit, PermitStatus, PlacementLimit
from registry.selectors import deposit_list


def permit_list(*, user: AnyUser) -> QuerySet[Permit]:
    return Permit.objects.restrict(user, Action.VIEW).select_related(
        "enterprise__region", "replaces", "replaced_by", "verified_by"
    )


def source_list(*, user: AnyUser) -> QuerySet[EmissionSource]:
    return EmissionSource.objects.restrict(user, Action.VIEW).select_related("enterprise__region")


def limit_list(*, user: AnyUser) -> QuerySet[EmissionLimit]:
    """Limits of the permits the user sees, on sources they see."""
    return (
        EmissionLimit.objects.restrict(user, Action.VIEW)
        .filter(source__in=EmissionSource.objects.restrict(user, Action.VIEW))
        .select_related("source", "substance")
    )


def permit_limits(*, user: AnyUser, permit: Permit) -> QuerySet[EmissionLimit]:
    return limit_list(user=user).filter(permit=permit).order_by("source__code", "substance__code")


def permit_placement_limits(*, user: AnyUser, permit: Permit) -> QuerySet[PlacementLimit]:
    """A permit's waste placement limits on the deposits the user sees (an unpublished deposit stays unnamed)."""
    return (
        PlacementLimit.objects.restrict(user, Action.VIEW)
        .filter(permit=permit, deposit__in=deposit_list(user=user))
        .select_related("deposit")
        .order_by("deposit__name")
    )


def enterprise_permits(*, user: AnyUser, enterprise: Enterprise) -> QuerySet[Permit]:
    return permit_list(user=user).filter(enterprise=enterprise).order_by("-valid_from", "-pk")


def enterprise_sources(*, user: AnyUser, enterprise: Enterprise) -> QuerySet[EmissionSource]:
    return source_list(user=user).filter(enterprise=enterprise).order_by("code")


def permit_history(*, user: AnyUser, permit: Permit) -> QuerySet[ChangeRecord]:
    """The permit's own changes and those of its limits."""
    require(user, Action.READ_HISTORY, permit, _("You may not read the history of this permit."))
    return history_of(user=user, instance=permit)


def _in_force(year: int) -> Q:
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Q(status=PermitStatus.VERIFIED, valid_from__lte=last) & (Q(valid_to__isnull=True) | Q(valid_to__gte=first))


def current_permits(*, year: int, enterprises: QuerySet[Enterprise] | None = None) -> dict[int, Permit]:
    """By enterprise id: the verified permit in force in `year` (valid on some day of it); of several, the one that
    took effect last (a permit replaced during the year gives way to its successor)."""
    permits = Permit.objects.filter(_in_force(year))
    if enterprises is not None:
        permits = permits.filter(enterprise__in=enterprises)
    current: dict[int, Permit] = {}
    for permit in permits.order_by("enterprise_id", "-valid_from", "-pk"):
        current.setdefault(permit.enterprise_id, permit)
    return current


def current_permit(*, enterprise: Enterprise | int, year: int) -> Permit | None:
    """The verified permit of an enterprise in force in `year` (see current_permits)."""
    enterprise_id = enterprise if isinstance(enterprise, int) else enterprise.pk
    return Permit.objects.filter(_in_force(year), enterprise_id=enterprise_id).order_by("-valid_from", "-pk").first()


def limits_in_force(*, year: int, enterprises: QuerySet[Enterprise] | None = None) -> QuerySet[EmissionLimit]:
    """The emission limits of the permits in force in `year` (current_permits), with their source and substance."""
    permit_ids = [permit.pk for permit in current_permits(year=year, enterprises=enterprises).values()]
    return EmissionLimit.objects.filter(permit_id__in=permit_ids).select_related("permit", "source", "substance")


def awaiting_verification(*, user: AnyUser) -> QuerySet[Permit]:
    """The submitted permits the user may verify (an inspector's queue)."""
    return (
        Permit.objects.restrict(user, Action.DECIDE)
        .filter(status=PermitStatus.SUBMITTED)
        .select_related("enterprise__region")
        .order_by("submitted_at")
    )
