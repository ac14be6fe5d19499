"""Reads that need scoping or joins beyond `restrict`."""

from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.models import ChangeRecord
from portal.permissions import Action, AnyUser, require
from portal.selectors import history_of
from registry.models import Deposit, Enterprise


def deposit_list(*, user: AnyUser) -> QuerySet[Deposit]:
    return Deposit.objects.restrict(user, Action.VIEW).select_related("operator", "region")


def deposit_detail_queryset(*, user: AnyUser) -> QuerySet[Deposit]:
    return deposit_list(user=user).prefetch_related("surveys", "components")


def deposit_history(*, user: AnyUser, deposit: Deposit) -> QuerySet[ChangeRecord]:
    require(user, Action.READ_HISTORY, deposit, _("You may not read the history of this deposit."))
    return history_of(user=user, instance=deposit)


def enterprise_history(*, user: AnyUser, enterprise: Enterprise) -> QuerySet[ChangeRecord]:
    require(user, Action.READ_HISTORY, enterprise, _("You may not read the history of this enterprise."))
    return history_of(user=user, instance=enterprise)


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
