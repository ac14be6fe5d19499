"""Reads of the regimes: which sources lie in a city, the cut a degree requires at a moment, the regimes a page or a
person sees."""

import datetime
import math

from django.db.models import FloatField, QuerySet
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ASin, Cast, Cos, Power, Radians, Sin, Sqrt
from django.utils import timezone

from monitoring.regimes.models import City, Regime, RegimePlan, RequiredCut
from portal.permissions import Action, AnyUser
from registry.models import Enterprise
from registry.permits.models import EmissionSource, SourceMedium, SourceQuerySet

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180


def _distance_km(latitude: float, longitude: float) -> CombinedExpression:
    """The great-circle distance (haversine) from a source's location to the point, in km, as a query expression."""
    lat, lon = Radians(Cast("latitude", FloatField())), Radians(Cast("longitude", FloatField()))
    lat0, lon0 = math.radians(latitude), math.radians(longitude)
    half = Power(Sin((lat - lat0) / 2), 2) + math.cos(lat0) * Cos(lat) * Power(Sin((lon - lon0) / 2), 2)
    return 2 * EARTH_RADIUS_KM * ASin(Sqrt(half))


def sources_in(city: City, *, medium: str | None = SourceMedium.AIR) -> SourceQuerySet:
    """The sources whose location lies within the city's radius of its centre (emissions to air by default: a regime
    concerns the air). Every source has a location (EmissionSource requires one), so none is left out for lacking
    it. A bounding box narrows the rows before the exact distance is computed."""
    latitude, longitude, radius = float(city.latitude), float(city.longitude), float(city.radius_km)
    dlat = radius / KM_PER_DEGREE
    dlon = radius / (KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    sources = EmissionSource.objects.filter(
        latitude__range=(latitude - dlat, latitude + dlat), longitude__range=(longitude - dlon, longitude + dlon)
    )
    if medium is not None:
        sources = sources.filter(medium=medium)
    return sources.alias(distance_km=_distance_km(latitude, longitude)).filter(distance_km__lte=radius)


def enterprises_in(city: City, *, user: AnyUser | None = None) -> QuerySet[Enterprise]:
    """The enterprises with a source in the city: those a regime over it concerns (for a reader, `user`: by the
    sources they see)."""
    sources = sources_in(city)
    if user is not None:
        sources = sources.restrict(user, Action.VIEW)
    return Enterprise.objects.filter(pk__in=sources.values("enterprise_id")).order_by("pk")


def required_cut_in_force(*, degree: int, at: datetime.datetime | datetime.date | None = None) -> RequiredCut:
    """The version of a degree's required cut in force at `at` (now by default): the one with the latest
    `valid_from` on or before that day (local date), the last added among those of one day; before every version,
    the first one. Raises RequiredCut.DoesNotExist when the degree has none (the reference data not loaded)."""
    if at is None:
        day = timezone.localdate()
    elif isinstance(at, datetime.datetime):
        day = timezone.localdate(at)
    else:
        day = at
    versions = RequiredCut.objects.filter(degree=degree)
    found = versions.filter(valid_from__lte=day).order_by("-valid_from", "-pk").first()
    found = found or versions.order_by("valid_from", "pk").first()
    if found is None:
        raise RequiredCut.DoesNotExist(f"degree {degree} has no required cut: run manage.py load_reference_data")
    return found


def current_and_coming() -> QuerySet[Regime]:
    """The regimes running now or to come, by city."""
    regimes = Regime.objects.filter(ends_at__gt=timezone.now()).select_related("city", "city__region")
    return regimes.order_by("city__name", "starts_at")


def regime_list(*, user: AnyUser) -> QuerySet[Regime]:
    return Regime.objects.restrict(user, Action.VIEW).select_related("city", "city__region")


def city_regimes(city: City) -> tuple[list[Regime], QuerySet[Regime]]:
    """A city's regimes running or to come, and those past (newest first)."""
    now = timezone.now()
    regimes = Regime.objects.filter(city=city).select_related("city", "city__region")
    return list(regimes.filter(ends_at__gt=now).order_by("starts_at")), regimes.filter(ends_at__lte=now)


def regimes_affecting(*, user: AnyUser, at: datetime.datetime | None = None) -> list[tuple[Regime, list[Enterprise]]]:
    """The regimes running or to come over a city where an enterprise the user files for has a source, with those
    enterprises (a staff member's home page)."""
    mine = Enterprise.objects.restrict(user, Action.FILE)
    if not mine.exists():
        return []
    regimes = Regime.objects.filter(ends_at__gt=at or timezone.now()).select_related("city", "city__region")
    affecting = []
    for regime in regimes.order_by("starts_at"):
        enterprises = list(mine.filter(pk__in=sources_in(regime.city).values("enterprise_id")).order_by("name"))
        if enterprises:
            affecting.append((regime, enterprises))
    return affecting


def plan_list(*, user: AnyUser) -> QuerySet[RegimePlan]:
    return RegimePlan.objects.restrict(user, Action.VIEW).select_related(
        "enterprise", "source", "required_cut", "filed_by"
    )


def plan_sources(*, user: AnyUser) -> QuerySet[EmissionSource]:
    """The sources to air a user files plans for (their enterprises')."""
    enterprises = Enterprise.objects.restrict(user, Action.CHANGE)
    return (
        EmissionSource.objects.filter(enterprise__in=enterprises, medium=SourceMedium.AIR)
        .select_related("enterprise")
        .order_by("enterprise__name", "code")
    )
