"""Adverse-weather regimes (regimes of adverse meteorological conditions, "NMU"): the cities they are declared over,
the regimes themselves, the cut each degree requires (versioned) and the enterprises' regime plans (the cut planned
per source and degree)."""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import AuditedModel, AuditedQuerySet
from portal.permissions import PublicQuerySet
from registry.models import Enterprise, EnterpriseScopedQuerySet, NamedInLanguages, Region
from registry.permits.models import EmissionSource

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Degree(models.IntegerChoices):
    """The degrees of a regime, as the hydrometeorological service announces them."""

    FIRST = 1, _("1st degree")
    SECOND = 2, _("2nd degree")
    THIRD = 3, _("3rd degree")


DEGREES = [degree.value for degree in Degree]
# A cut is a fraction (0.35 = 35 %), as the alerts and verdicts store it.
CUT_DIGITS, CUT_PLACES = 5, 4


def cut_field(verbose_name: "StrOrPromise") -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=CUT_DIGITS,
        decimal_places=CUT_PLACES,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("1"))],
    )


def cut_constraint(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__gt": 0}) & Q(**{f"{field}__lte": 1}), name=name)


def degree_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(degree__in=DEGREES), name=name)


class CityQuerySet(AuditedQuerySet, PublicQuerySet):  # type: ignore[override]
    """Reference data everyone reads; a city leads to its region, whose inspectors declare its regimes."""

    region_field = "region_id"


class City(NamedInLanguages, AuditedModel):
    """A city regimes are declared over: a centre and a radius. A source lies in the city when its location is within
    `radius_km` of the centre (`monitoring.regimes.selectors.sources_in`)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, validators=[MinValueValidator(40), MaxValueValidator(56)]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, validators=[MinValueValidator(46), MaxValueValidator(88)]
    )
    radius_km = models.DecimalField(
        _("radius, km"), max_digits=5, decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("100"))],
    )  # fmt: skip

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [models.CheckConstraint(condition=Q(radius_km__gt=0), name="city_radius_positive")]

    def __str__(self) -> str:
        return self.local_name


class RegimeQuerySet(AuditedQuerySet, PublicQuerySet):  # type: ignore[override]
    """Regimes are public; the inspectors of the city's region declare, change and end them."""

    region_field = "city__region_id"


class Regime(AuditedModel):
    """A regime of adverse meteorological conditions over a city, from `starts_at` to `ends_at` (excluded), following
    a bulletin of the hydrometeorological service."""

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="regimes", verbose_name=_("city"))
    degree = models.PositiveSmallIntegerField(_("degree"), choices=Degree.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    bulletin = models.CharField(
        _("bulletin"), max_length=500, help_text=_("Number, date and issuer of the bulletin the regime follows.")
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("declared by")
    )
    created_at = models.DateTimeField(_("declared"), auto_now_add=True)

    objects = RegimeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("adverse-weather regime")
        verbose_name_plural = _("adverse-weather regimes")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="regime_ends_after_start"),
            degree_constraint("regime_degree_valid"),
        ]
        indexes = [models.Index(fields=["city", "starts_at"], name="regime_city_starts")]

    def __str__(self) -> str:
        return f"{self.city} {self.get_degree_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    def is_running(self, at: datetime.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.starts_at <= at < self.ends_at


class RequiredCutQuerySet(AuditedQuerySet, PublicQuerySet):  # type: ignore[override]
    pass


class RequiredCut(AuditedModel):
    """The cut a degree requires from `valid_from` on, in versions: an administrator adds a version and never changes
    one, since verdicts and plans record the version they were judged by. The shipped values (15, 20 and 40 %) are
    marked `default`."""

    degree = models.PositiveSmallIntegerField(_("degree"), choices=Degree.choices)
    cut = cut_field(_("required cut"))
    valid_from = models.DateField(_("valid from"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("set by"),
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=500, blank=True)
    default = models.BooleanField(_("portal default"), default=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = RequiredCutQuerySet.as_manager()

    class Meta:
        ordering = ["degree", "-valid_from", "-pk"]
        verbose_name = _("required cut")
        verbose_name_plural = _("required cuts")
        constraints = [
            cut_constraint("cut", "requiredcut_cut_fraction"),
            degree_constraint("requiredcut_degree_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_degree_display()}: {self.percent} % ({self.valid_from})"

    @property
    def percent(self) -> Decimal:
        return (Decimal(self.cut) * 100).quantize(Decimal("0.01"))


class RegimePlanQuerySet(AuditedQuerySet, EnterpriseScopedQuerySet):  # type: ignore[override]
    """An enterprise's plans: its staff, the inspectors of its region and administrators."""


class RegimePlan(AuditedModel):
    """The cut an enterprise plans at a source under a degree. `short` is set when filed, against the degree's cut in
    force then (`required_cut`, the version kept), and shown as a flag."""

    audit_parent = "enterprise"

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="regime_plans", verbose_name=_("enterprise")
    )
    source = models.ForeignKey(
        EmissionSource, on_delete=models.PROTECT, related_name="regime_plans", verbose_name=_("source")
    )
    degree = models.PositiveSmallIntegerField(_("degree"), choices=Degree.choices)
    planned_cut = cut_field(_("planned cut"))
    required_cut = models.ForeignKey(
        RequiredCut, on_delete=models.PROTECT, related_name="+", verbose_name=_("required cut when filed")
    )
    short = models.BooleanField(_("short of the required cut"), default=False)
    filed_at = models.DateTimeField(_("filed"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )

    objects = RegimePlanQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "source__code", "degree"]
        verbose_name = _("regime plan")
        verbose_name_plural = _("regime plans")
        constraints = [
            models.UniqueConstraint(fields=["source", "degree"], name="regimeplan_one_per_source_degree"),
            cut_constraint("planned_cut", "regimeplan_cut_fraction"),
            degree_constraint("regimeplan_degree_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_degree_display()}"

    @property
    def planned_percent(self) -> Decimal:
        return (Decimal(self.planned_cut) * 100).quantize(Decimal("0.01"))
