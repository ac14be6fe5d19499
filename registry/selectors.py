"""Reads that need scoping or joins beyond `restrict`."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.models import AnyUser, ChangeRecord
from portal.selectors import changelog_for
from registry.models import Deposit, Enterprise, InspectorAssignment, Membership


def deposit_list(*, user: AnyUser) -> QuerySet[Deposit]:
    return Deposit.objects.restrict(user, "view").select_related("operator", "region")


def deposit_detail_queryset(*, user: AnyUser) -> QuerySet[Deposit]:
    return deposit_list(user=user).prefetch_related("surveys", "components")


def may_read_history(*, user: AnyUser, region_id: int, enterprise_id: int) -> bool:
    """Administrators, inspectors of the region and the enterprise's own staff read change history."""
    if not user.is_authenticated:
        return False
    if user.is_administrator:
        return True
    if user.is_inspector:
        return InspectorAssignment.objects.filter(user=user, region_id=region_id).exists()
    return Membership.objects.filter(user=user, enterprise_id=enterprise_id).exists()


def deposit_history(*, user: AnyUser, deposit: Deposit) -> QuerySet[ChangeRecord]:
    if not may_read_history(user=user, region_id=deposit.region_id, enterprise_id=deposit.operator_id):
        raise PermissionDenied(_("You may not read the history of this deposit."))
    return changelog_for(deposit)


def enterprise_history(*, user: AnyUser, enterprise: Enterprise) -> QuerySet[ChangeRecord]:
    if not may_read_history(user=user, region_id=enterprise.region_id, enterprise_id=enterprise.pk):
        raise PermissionDenied(_("You may not read the history of this enterprise."))
    return changelog_for(enterprise)


def deposit_map_points(deposits: QuerySet[Deposit]) -> list[dict[str, object]]:
    """Deposits as the map draws them: one query, whatever their number."""
    rows = deposits.values("id", "name", "latitude", "longitude", "tonnage_t", "kind", "operator__name")
    return [
        {
            "url": reverse("registry:deposit-detail", args=[row["id"]]),
            "name": row["name"],
            "lat": float(row["latitude"]),
            "lon": float(row["longitude"]),
            "mt": float(row["tonnage_t"] / Decimal(1_000_000)),
            "kind": row["kind"],
            "operator": row["operator__name"],
        }
        for row in rows
    ]


def map_settings() -> dict[str, str]:
    """Tiles only when configured: without them the map draws the country outline and works offline."""
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "outline": f"{settings.STATIC_URL}registry/kazakhstan.geojson",
    }
