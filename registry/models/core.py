"""Regions, enterprises and their people, deposits with their surveys and composition."""

import zoneinfo
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal import values
from portal.audit import AuditedModel, AuditedQuerySet
from portal.permissions import PublicQuerySet, RestrictedQuerySet
from registry.geo import in_kazakhstan
from registry.validators import validate_bin

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NON_NEGATIVE = [MinValueValidator(0)]


def quantity(
    verbose_name: "StrOrPromise", max_digits: int, decimal_places: int, *, required: bool = False
) -> models.DecimalField:
    """A non-negative measured quantity; optional unless `required`."""
    return models.DecimalField(
        verbose_name,
        max_digits=max_digits,
        decimal_places=decimal_places,
        null=not required,
        blank=not required,
        validators=NON_NEGATIVE,
    )


class RegionQuerySet(AuditedQuerySet, PublicQuerySet):  # type: ignore[override]
    # Inspectors order reports for the regions they inspect.
    region_field = "pk"


class RegionKind(models.TextChoices):
    REGION = "region", _("region")
    CITY = "city", _("city of republican significance")


class RegionTimeZone(models.TextChoices):
    """Kazakhstan's zones in the IANA time zone database. Until 1 March 2024 the east, centre and south (and
    Kostanay) kept UTC+6 and the west UTC+5 (Kyzylorda from 21 December 2018); since then the whole country keeps
    UTC+5. The database holds that history, so a region's zone gives a local time's offset on any date."""

    ALMATY = "Asia/Almaty", _("Asia/Almaty (east, centre and south)")
    QOSTANAY = "Asia/Qostanay", _("Asia/Qostanay (Kostanay region)")
    QYZYLORDA = "Asia/Qyzylorda", _("Asia/Qyzylorda (Kyzylorda region)")
    AQTOBE = "Asia/Aqtobe", _("Asia/Aqtobe (Aktobe region)")
    AQTAU = "Asia/Aqtau", _("Asia/Aqtau (Mangystau region)")
    ATYRAU = "Asia/Atyrau", _("Asia/Atyrau (Atyrau region)")
    ORAL = "Asia/Oral", _("Asia/Oral (West Kazakhstan region)")


class Region(AuditedModel):
    """A region or city of republican significance (ISO 3166-2:KZ), with its validity dates."""

    Kind = RegionKind
    TimeZone = RegionTimeZone

    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=6, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RegionKind.choices)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    admin_centre = models.CharField(_("administrative centre"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The zone of most regions and of the capital; registry/data/regions.csv gives each region its own.
    time_zone = models.CharField(
        _("time zone"),
        max_length=32,
        choices=RegionTimeZone.choices,
        default=RegionTimeZone.ALMATY,
        help_text=_("The local time of the region: a sampling time written without an offset is read in it."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["iso_code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="region_validity_ordered",
            ),
            models.CheckConstraint(condition=Q(kind__in=["region", "city"]), name="region_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return {"kk": self.name_kk, "en": self.name_en}.get(reader_language(), self.name_ru)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


def reader_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE)[:2]


def name_search(value: str, prefix: str = "", *, registered: bool = True) -> Q:
    """Rows whose name, in any language, holds `value`; `prefix` is the path to a related row ("operator__"), and
    `registered` whether the row has a registered `name` beside its names in each language (a region has not)."""
    fields = ("name_kk", "name_ru", "name_en", *(("name",) if registered else ()))
    return Q(*[Q(**{f"{prefix}{field}__icontains": value}) for field in fields], _connector=Q.OR)


def local_name(prefix: str = "") -> Coalesce:
    """The name in the reader's language, else the registered one, as a query expression (`prefix`: the path to
    a related row, "operator__")."""
    return Coalesce(NullIf(F(f"{prefix}name_{reader_language()}"), Value("")), F(f"{prefix}name"))


class NamedInLanguages(models.Model):
    """A name as registered (`name`, in whatever language the operator registered it) and, where known, as each
    language writes it; the reader's language is shown, else the registered name."""

    name_kk = models.CharField(_("name in Kazakh"), max_length=300, blank=True)
    name_ru = models.CharField(_("name in Russian"), max_length=300, blank=True)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)

    name: str

    class Meta:
        abstract = True

    @property
    def local_name(self) -> str:
        return getattr(self, f"name_{reader_language()}", "") or self.name


class EnterpriseQuerySet(AuditedQuerySet, PublicQuerySet):  # type: ignore[override]
    """The register of operators is public; their own staff change them and file for them."""

    enterprise_field = "pk"
    region_field = "region_id"


class Enterprise(NamedInLanguages, AuditedModel):
    name = models.CharField(_("name"), max_length=300)
    bin = models.CharField(_("BIN"), max_length=12, unique=True, validators=[validate_bin])
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    synthetic = models.BooleanField(_("synthetic demo record"), default=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="enterprises", blank=True
    )

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.local_name


class Membership(AuditedModel):
    """Enterprise staff: a user who files for an enterprise."""

    audit_parent = "enterprise"
    audit_enterprise = "enterprise_id"
    audit_region = "enterprise__region_id"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        constraints = [models.UniqueConstraint(fields=["user", "enterprise"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise}"


class InspectorAssignment(AuditedModel):
    """An inspector works the regions assigned to them."""

    audit_parent = "region"
    audit_region = "region_id"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inspector_assignments")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="inspector_assignments")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspector assignment")
        constraints = [models.UniqueConstraint(fields=["user", "region"], name="inspector_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user} -> {self.region.iso_code}"


class EnterpriseScopedQuerySet(RestrictedQuerySet):
    """Rows of an enterprise that are never public (returns, submissions, alerts): its staff, the inspectors of
    its region and administrators."""

    enterprise_field = "enterprise_id"
    region_field = "enterprise__region_id"


class PublishedOrScopedQuerySet(RestrictedQuerySet):
    """Published rows for everyone; unpublished ones for the owning enterprise's staff and the inspectors of the
    region (deposits, monitoring points)."""

    enterprise_field = "enterprise_id"
    region_field = "enterprise__region_id"

    def public(self) -> Q:
        return Q(is_published=True)


class DepositKind(models.TextChoices):
    """Groups of technogenic mineral formations by origin (Subsoil Code, Art. 13)."""

    MINING = "mining", _("mining")
    MINING_PROCESSING = "mining_processing", _("mining-processing")
    CHEMICAL_METALLURGICAL = "chemical_metallurgical", _("chemical-metallurgical")
    ENERGY = "energy", _("energy")


class DepositSubkind(models.TextChoices):
    OVERBURDEN = "overburden", _("overburden")
    HOST_ROCK = "host_rock", _("host rock")
    DUST = "dust", _("dust")
    SUBSTANDARD_ORE = "substandard_ore", _("sub-standard ore")
    TAILINGS = "tailings", _("tailings")
    PROCESSING_SLUDGE = "processing_sludge", _("processing sludge")
    SLAG = "slag", _("slag")
    CAKE = "cake", _("cake")
    CLINKER = "clinker", _("clinker")
    ASH = "ash", _("ash")
    ASH_SLAG = "ash_slag", _("ash-slag")


SUBKINDS_BY_KIND: dict[str, tuple[str, ...]] = {
    DepositKind.MINING: ("overburden", "host_rock", "dust", "substandard_ore"),
    DepositKind.MINING_PROCESSING: ("tailings", "processing_sludge"),
    DepositKind.CHEMICAL_METALLURGICAL: ("slag", "cake", "clinker"),
    DepositKind.ENERGY: ("ash", "ash_slag"),
}


class DepositStatus(models.TextChoices):
    OPERATING = "operating", _("operating")
    INACTIVE = "inactive", _("inactive")
    CLOSED = "closed", _("closed")
    ABANDONED = "abandoned", _("abandoned")


class DepositQuerySet(AuditedQuerySet, PublishedOrScopedQuerySet):  # type: ignore[override]
    enterprise_field = "operator_id"
    region_field = "region_id"


def _range_errors(instance: models.Model, pairs: list[tuple[str, str]]) -> "dict[str, StrOrPromise]":
    errors: dict[str, StrOrPromise] = {}
    for low, high in pairs:
        low_value, high_value = getattr(instance, low), getattr(instance, high)
        if (low_value is None) != (high_value is None):
            missing = high if high_value is None else low
            errors[missing] = _("Give both ends of the range or neither.")
        elif low_value is not None and low_value > high_value:
            errors[high] = _("The upper end of the range is below the lower end.")
    return errors


class Deposit(NamedInLanguages, AuditedModel):
    """A technogenic mineral formation: a dump, tailings facility, slag or ash dump.

    The state fields (tonnage, area, heights, state_year) are those of the latest survey;
    registry.services keeps them in step with DepositSurvey.
    """

    name = models.CharField(_("name"), max_length=300)
    operator = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="deposits", verbose_name=_("operator")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="deposits", verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=30, choices=DepositKind.choices)
    subkind = models.CharField(_("sub-kind"), max_length=30, choices=DepositSubkind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=DepositStatus.choices, default=DepositStatus.OPERATING
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    start_year = models.PositiveSmallIntegerField(
        _("in operation since"), null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    state_year = models.PositiveSmallIntegerField(
        _("year of the surveyed state"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    tonnage_t = quantity(_("accumulated tonnage, t"), 14, 1, required=True)
    area_ha = quantity(_("area, ha"), 10, 2)
    area_uncertainty_ha = models.DecimalField(
        _("area uncertainty, ± ha"), max_digits=8, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    max_height_m = quantity(_("maximum height, m"), 7, 2)
    mean_height_m = quantity(_("mean height, m"), 7, 2)
    density_min_t_m3 = quantity(_("storage density from, t/m³"), 5, 2)
    density_max_t_m3 = quantity(_("storage density to, t/m³"), 5, 2)
    annual_increase_min_t = quantity(_("annual increase from, t"), 12, 1)
    annual_increase_max_t = quantity(_("annual increase to, t"), 12, 1)
    area_increase_min_ha = quantity(_("annual area increase from, ha"), 8, 2)
    area_increase_max_ha = quantity(_("annual area increase to, ha"), 8, 2)
    height_increase_min_m = quantity(_("annual height increase from, m"), 6, 2)
    height_increase_max_m = quantity(_("annual height increase to, m"), 6, 2)
    hazard_class = models.CharField(_("hazard classification, as given"), max_length=300, blank=True)
    hazard_system = models.CharField(_("classification system that gave it"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    sources = models.TextField(_("sources"), blank=True, help_text=_("One source per line."))
    is_published = models.BooleanField(_("published"), default=False)
    synthetic = models.BooleanField(_("synthetic demo record"), default=False)

    objects = DepositQuerySet.as_manager()

    RANGES = [
        ("density_min_t_m3", "density_max_t_m3"),
        ("annual_increase_min_t", "annual_increase_max_t"),
        ("area_increase_min_ha", "area_increase_max_ha"),
        ("height_increase_min_m", "height_increase_max_m"),
    ]

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        indexes = [models.Index(fields=["region", "kind"], name="deposit_region_kind_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(tonnage_t__gte=0), name="deposit_tonnage_non_negative"),
            models.CheckConstraint(condition=Q(area_ha__gte=0), name="deposit_area_non_negative"),
            models.CheckConstraint(
                condition=Q(annual_increase_min_t__lte=models.F("annual_increase_max_t")),
                name="deposit_annual_increase_ordered",
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=40, latitude__lte=56, longitude__gte=46, longitude__lte=88),
                name="deposit_location_in_kazakhstan_bbox",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    *[Q(kind=kind, subkind__in=subkinds) for kind, subkinds in SUBKINDS_BY_KIND.items()],
                    _connector=Q.OR,
                ),
                name="deposit_subkind_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.local_name

    def clean(self) -> None:
        errors = _range_errors(self, self.RANGES)
        if self.kind in SUBKINDS_BY_KIND and self.subkind not in SUBKINDS_BY_KIND[self.kind]:
            errors["subkind"] = _("“%(subkind)s” is not a sub-kind of %(kind)s deposits.") % {
                "subkind": self.get_subkind_display(),
                "kind": self.get_kind_display(),
            }
        located = self.latitude is not None and self.longitude is not None
        if located and not in_kazakhstan(latitude=float(self.latitude), longitude=float(self.longitude)):
            message = _("The location %(lat)s, %(lon)s lies outside Kazakhstan.") % {
                "lat": self.latitude,
                "lon": self.longitude,
            }
            errors["latitude"] = errors["longitude"] = message
        if self.start_year and self.state_year and self.start_year > self.state_year:
            errors["start_year"] = _("The deposit cannot start after the year of its surveyed state.")
        # No state and no start in a year still to come (a survey dated 2095 became a deposit's public state).
        for name, earliest in (("start_year", 1800), ("state_year", values.EARLIEST_YEAR)):
            try:
                values.check_year(getattr(self, name), earliest=earliest)
            except ValidationError as exc:
                errors[name] = values.message(exc)
        if errors:
            raise ValidationError(errors)

    @property
    def tonnage_mt(self) -> Decimal:
        return self.tonnage_t / Decimal(1_000_000)


class DepositSurvey(AuditedModel):
    """The surveyed state of a deposit in one year."""

    audit_parent = "deposit"
    audit_enterprise = "deposit__operator_id"
    audit_region = "deposit__region_id"

    deposit = models.ForeignKey(Deposit, on_delete=models.CASCADE, related_name="surveys")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    tonnage_t = quantity(_("accumulated tonnage, t"), 14, 1, required=True)
    annual_t = quantity(_("added that year, t"), 12, 1)
    area_ha = quantity(_("area, ha"), 10, 2)
    max_height_m = quantity(_("maximum height, m"), 7, 2)
    mean_height_m = quantity(_("mean height, m"), 7, 2)
    source = models.CharField(_("source"), max_length=500, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["year"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["deposit", "year"],
                name="survey_one_per_year",
                violation_error_message=_("This deposit already has a survey for that year."),
            ),
            models.CheckConstraint(condition=Q(tonnage_t__gte=0), name="survey_tonnage_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.deposit} {self.year}"

    STATE_FIELDS = ("tonnage_t", "area_ha", "max_height_m", "mean_height_m")

    def clean(self) -> None:
        # A survey of a year to come is no survey: it would become the deposit's current, public state.
        try:
            values.check_year(self.year)
        except ValidationError as exc:
            raise ValidationError({"year": values.message(exc)}) from None


class DepositComponent(AuditedModel):
    """One line of a deposit's composition: a chemical component or a mineral phase."""

    audit_parent = "deposit"
    audit_enterprise = "deposit__operator_id"
    audit_region = "deposit__region_id"

    class Basis(models.TextChoices):
        CHEMICAL = "chemical", _("chemical component")
        MINERAL = "mineral", _("mineral phase")

    class Unit(models.TextChoices):
        PERCENT = "%", "%"
        GRAMS_PER_TONNE = "g/t", _("g/t")

    deposit = models.ForeignKey(Deposit, on_delete=models.CASCADE, related_name="components")
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices, default=Basis.CHEMICAL)
    component = models.CharField(_("component"), max_length=100)
    unit = models.CharField(_("unit"), max_length=5, choices=Unit.choices, default=Unit.PERCENT)
    mean = quantity(_("mean"), 12, 4)
    minimum = quantity(_("range from"), 12, 4)
    maximum = quantity(_("range to"), 12, 4)
    method = models.CharField(_("method"), max_length=300, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["basis", "id"]
        verbose_name = _("composition line")
        verbose_name_plural = _("composition")
        constraints = [
            models.UniqueConstraint(
                fields=["deposit", "basis", "component"],
                name="component_unique_per_deposit",
                violation_error_message=_("This component is already listed for the deposit."),
            ),
            models.CheckConstraint(
                condition=Q(minimum__isnull=True) | Q(maximum__isnull=True) | Q(minimum__lte=models.F("maximum")),
                name="component_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component} ({self.deposit})"

    def clean(self) -> None:
        errors = _range_errors(self, [("minimum", "maximum")])
        if self.mean is None and self.minimum is None:
            errors["mean"] = _("Give the mean, the range, or both.")
        if self.unit == self.Unit.PERCENT:
            for name in ("mean", "minimum", "maximum"):
                value = getattr(self, name)
                if value is not None and value > 100:
                    errors[name] = _("A share cannot exceed 100 %.")
        if errors:
            raise ValidationError(errors)
