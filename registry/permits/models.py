"""Environmental permits: the substances they limit, an enterprise's emission sources and water outlets, and the
limits a permit sets on them (НДВ for air, НДС for water) and on waste placement per deposit."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.audit import AuditedModel, AuditedQuerySet
from portal.permissions import PublicQuerySet
from registry.models import Deposit, Enterprise, NamedInLanguages, PublishedOrScopedQuerySet, quantity


class SubstanceGroup(models.TextChoices):
    """The groups of the E-PRTR Annex II list."""

    GREENHOUSE = "greenhouse", _("greenhouse gases")
    OTHER_GASES = "other_gases", _("other gases")
    HEAVY_METALS = "heavy_metals", _("heavy metals")
    PESTICIDES = "pesticides", _("pesticides")
    CHLORINATED = "chlorinated", _("chlorinated organic substances")
    OTHER_ORGANIC = "other_organic", _("other organic substances")
    INORGANIC = "inorganic", _("inorganic substances")


class SubstanceQuerySet(AuditedQuerySet, PublicQuerySet):  # type: ignore[override]
    pass


class Substance(NamedInLanguages, AuditedModel):
    """A pollutant of the release register, limited by permits (reference data, changed by administrators)."""

    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("Short name: “SOx”, “PM10”, “Pb”."))
    name = models.CharField(_("name"), max_length=300)
    cas = models.CharField(_("CAS number"), max_length=15, blank=True)
    group = models.CharField(_("group"), max_length=16, choices=SubstanceGroup.choices)
    # The compliance rules judge toxic substances more strictly than conventional ones (domain.md, "Emissions").
    toxic = models.BooleanField(_("toxic"), default=False)

    objects = SubstanceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("substance")
        verbose_name_plural = _("substances")

    def __str__(self) -> str:
        return self.code


class PermitCategory(models.IntegerChoices):
    """Categories of sites by their impact (Ecological Code 2021, Art. 12)."""

    I = 1, _("category I")  # noqa: E741 (the category's name)
    II = 2, _("category II")
    III = 3, _("category III")
    IV = 4, _("category IV")


class PermitStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted for verification")
    VERIFIED = "verified", _("verified")
    RETURNED = "returned", _("returned for correction")


class PermitQuerySet(AuditedQuerySet, PublishedOrScopedQuerySet):  # type: ignore[override]
    """Verified permits are public, as the register of permits is; drafts are the enterprise's and its inspectors'."""

    def public(self) -> Q:
        return Q(status=PermitStatus.VERIFIED)


class Permit(AuditedModel):
    """An enterprise's environmental permit. A new permit names the one it replaces; both stay readable."""

    audit_parent = "enterprise"

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="permits", verbose_name=_("enterprise")
    )
    number = models.CharField(_("permit number"), max_length=64)
    category = models.PositiveSmallIntegerField(_("category"), choices=PermitCategory.choices)
    issuer = models.CharField(_("issued by"), max_length=300)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    document = models.FileField(_("document"), upload_to="permits/", blank=True)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by",
        verbose_name=_("replaces"),
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=10, choices=PermitStatus.choices, default=PermitStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("verified by"),
    )  # fmt: skip
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    reasons = models.TextField(_("the inspector's reasons"), blank=True)

    objects = PermitQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "-valid_from"]
        verbose_name = _("environmental permit")
        verbose_name_plural = _("environmental permits")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "number"], name="permit_number_unique_per_enterprise"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="permit_valid_to_after_from"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "verified", "returned"]), name="permit_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.enterprise})"


class SourceMedium(models.TextChoices):
    AIR = "air", _("air")
    WATER = "water", _("water")


class SourceKind(models.TextChoices):
    ORGANISED = "organised", _("organised (stack)")
    UNORGANISED = "unorganised", _("unorganised")
    OUTLET = "outlet", _("water outlet")


class SourceQuerySet(AuditedQuerySet, PublishedOrScopedQuerySet):  # type: ignore[override]
    pass


class EmissionSource(AuditedModel):
    """A source of emissions to air (a stack, or an unorganised source) or a water outlet of an enterprise. It
    outlives the permits that limit it, so that its releases and measurements form one series across permits."""

    audit_parent = "enterprise"

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="emission_sources", verbose_name=_("enterprise")
    )
    code = models.CharField(_("code"), max_length=40, help_text=_("As numbered in the permit: “0001”."))
    name = models.CharField(_("name"), max_length=300, blank=True)
    medium = models.CharField(_("medium"), max_length=5, choices=SourceMedium.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=SourceKind.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)
    height_m = quantity(_("height, m"), 6, 2)
    diameter_m = quantity(_("diameter, m"), 5, 2)
    is_published = models.BooleanField(_("published"), default=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "code"]
        verbose_name = _("emission source")
        verbose_name_plural = _("emission sources")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "code"], name="source_code_unique_per_enterprise"),
            models.CheckConstraint(
                condition=Q(medium="air", kind__in=["organised", "unorganised"]) | Q(medium="water", kind="outlet"),
                name="source_kind_fits_medium",
            ),
            # A stack has a height and a diameter; the others have neither.
            models.CheckConstraint(
                condition=Q(kind="organised") | Q(height_m__isnull=True, diameter_m__isnull=True),
                name="source_dimensions_only_for_stacks",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class LimitQuerySet(AuditedQuerySet, PublishedOrScopedQuerySet):  # type: ignore[override]
    enterprise_field = "permit__enterprise_id"
    region_field = "permit__enterprise__region_id"

    def public(self) -> Q:
        return Q(permit__status=PermitStatus.VERIFIED)


class EmissionLimit(AuditedModel):
    """What a permit allows a source to emit of a substance: g/s and t/yr to air, t/yr to water."""

    audit_parent = "permit"
    audit_enterprise = "permit__enterprise_id"
    audit_region = "permit__enterprise__region_id"

    permit = models.ForeignKey(Permit, on_delete=models.CASCADE, related_name="limits", verbose_name=_("permit"))
    source = models.ForeignKey(
        EmissionSource, on_delete=models.PROTECT, related_name="limits", verbose_name=_("source")
    )
    substance = models.ForeignKey(Substance, on_delete=models.PROTECT, related_name="+", verbose_name=_("substance"))
    grams_per_second = quantity(_("limit, g/s"), 14, 6)
    tonnes_per_year = quantity(_("limit, t/yr"), 16, 6, required=True)

    objects = LimitQuerySet.as_manager()

    class Meta:
        ordering = ["permit", "source__code", "substance__code"]
        verbose_name = _("emission limit")
        verbose_name_plural = _("emission limits")
        constraints = [
            models.UniqueConstraint(fields=["permit", "source", "substance"], name="limit_unique_per_source_substance"),
            models.CheckConstraint(
                condition=Q(tonnes_per_year__gte=0) & (Q(grams_per_second__isnull=True) | Q(grams_per_second__gte=0)),
                name="limit_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.substance}"


class PlacementLimit(AuditedModel):
    """How many tonnes of waste a year a permit allows to be placed on a deposit."""

    audit_parent = "permit"
    audit_enterprise = "permit__enterprise_id"
    audit_region = "permit__enterprise__region_id"

    permit = models.ForeignKey(
        Permit, on_delete=models.CASCADE, related_name="placement_limits", verbose_name=_("permit")
    )
    deposit = models.ForeignKey(Deposit, on_delete=models.PROTECT, related_name="+", verbose_name=_("deposit"))
    tonnes_per_year = quantity(_("limit, t/yr"), 16, 3, required=True)

    objects = LimitQuerySet.as_manager()

    class Meta:
        ordering = ["permit", "deposit"]
        verbose_name = _("waste placement limit")
        verbose_name_plural = _("waste placement limits")
        constraints = [
            models.UniqueConstraint(fields=["permit", "deposit"], name="placementlimit_unique_per_deposit"),
            models.CheckConstraint(condition=Q(tonnes_per_year__gte=0), name="placementlimit_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.permit} {self.deposit}"
