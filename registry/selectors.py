"""Reads that need scoping or joins beyond `restrict`."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal.models import ChangeRecord
from portal.permissions import Action, AnyUser, require
from portal.selectors import history_of
from registry.models import Deposit, DepositKind, Enterprise, Region, local_name
from registry.outlines import Bounds, map_outlines, region_bounds


def enterprise_name(params: Mapping[str, Any]) -> str:
    """The enterprise a stored message tells of (portal.outbox), named when the message is shown, in the reader's
    language: messages keep its id (`enterprise_id`), not a name written in whatever language was active when they
    were stored. Those stored before kept the name as text (`enterprise`)."""
    if "enterprise_id" in params:
        enterprise = Enterprise.objects.filter(pk=params["enterprise_id"]).first()
        if enterprise is not None:
            return enterprise.local_name
    return str(params.get("enterprise", ""))


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
    rows = deposits.values("id", "latitude", "longitude", "tonnage_t", "kind").annotate(
        shown_name=local_name(), operator_name=local_name("operator__")
    )
    return [
        {
            "url": reverse("registry:deposit-detail", args=[row["id"]]),
            "name": row["shown_name"],
            "lat": float(row["latitude"]),
            "lon": float(row["longitude"]),
            "t": float(row["tonnage_t"]),
            "kind": row["kind"],
            "operator": row["operator_name"],
        }
        for row in rows
    ]


def map_settings(
    *,
    legend: list[dict[str, str]] | None = None,
    states: list[dict[str, str]] | None = None,
    labels: dict[str, str] | None = None,
    bounds: Bounds | None = None,
) -> dict[str, object]:
    """Tiles only when configured: without them the map draws the country and region outlines and works offline.
    `legend`: what each colour of the markers means (deposit kinds unless given); `states`: what each ring means
    (drawn by width and dash, not colour alone); `labels`: more texts for the popups; `bounds`: the box to show."""
    if legend is None:
        legend = [{"kind": kind, "label": str(label)} for kind, label in DepositKind.choices]
    return {
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        # The texts the map writes, in the page's language.
        "labels": {
            "t": pgettext("unit", "t"),
            "kt": _("kt"),
            "Mt": _("Mt"),
            "legend": _("Legend"),
            "tonnage": _("Tonnage"),
            **(labels or {}),
        },
        "legend": legend,
        "states": states or [],
        "outline": f"{settings.STATIC_URL}registry/kazakhstan.geojson",
        "regions": reverse("registry:region-outlines"),
        "bounds": bounds,
    }


def region_map_bounds(*, region: Region, points: list[dict[str, object]]) -> Bounds | None:
    """The box a region's map shows: its outline's, else the box of its deposits (no outline installed)."""
    found = region_bounds(region)
    if found is not None or not points:
        return found
    lats = [float(str(p["lat"])) for p in points]
    lons = [float(str(p["lon"])) for p in points]
    return ((min(lats), min(lons)), (max(lats), max(lons)))


def region_outlines() -> dict[str, object]:
    """The region outlines as a GeoJSON FeatureCollection for the map, each named in the reader's language (an
    outline holding several of today's regions, by all their names)."""
    names = {region.iso_code: region.name for region in Region.objects.all()}
    features = []
    for feature in map_outlines():
        shown = [names[code] for code in feature["properties"]["regions"] if code in names]
        properties = {**feature["properties"], "name": " · ".join(shown)}
        features.append({**feature, "properties": properties})
    return {"type": "FeatureCollection", "features": features}
