"""The pollutant release and transfer register (PRTR): an enterprise's annual report of its releases to air, water
and land and its off-site transfers of waste, in versions with the same workflow as annual waste returns, and the
reporting thresholds below which a release is kept but not published."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.audit import AuditedModel, AuditedQuerySet
from portal.permissions import PublicQuerySet
from registry.models import Enterprise, EnterpriseScopedQuerySet
from registry.permits.models import EmissionSource, Substance
from registry.returns.models import FilingReport, FilingVersion, ReturnEvent, WasteCode


class ReleaseMedium(models.TextChoices):
    AIR = "air", _("air")
    WATER = "water", _("water")
    LAND = "land", _("land")


class Method(models.TextChoices):
    """How a figure was obtained, as in the E-PRTR."""

    MEASURED = "M", _("measured")
    CALCULATED = "C", _("calculated")
    ESTIMATED = "E", _("estimated")


class ThresholdQuerySet(AuditedQuerySet, PublicQuerySet):  # type: ignore[override]
    pass


class ReleaseThreshold(AuditedModel):
    """Below this a substance's yearly release to a medium is kept, counted in the enterprise's own view, and not
    published. `default` marks the portal's default (E-PRTR Annex II) until the national value is entered."""

    substance = models.ForeignKey(Substance, on_delete=models.PROTECT, related_name="+", verbose_name=_("substance"))
    medium = models.CharField(_("medium"), max_length=5, choices=ReleaseMedium.choices)
    kg_per_year = models.DecimalField(
        _("threshold, kg/yr"), max_digits=16, decimal_places=3, validators=[MinValueValidator(0)]
    )
    default = models.BooleanField(_("portal default (E-PRTR Annex II)"), default=False)

    objects = ThresholdQuerySet.as_manager()

    class Meta:
        ordering = ["substance__code", "medium"]
        verbose_name = _("release threshold")
        verbose_name_plural = _("release thresholds")
        constraints = [
            models.UniqueConstraint(fields=["substance", "medium"], name="threshold_unique_per_substance_medium"),
            models.CheckConstraint(condition=Q(kg_per_year__gte=0), name="threshold_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.substance} → {self.get_medium_display()}"


class TransferThreshold(AuditedModel):
    """Transfers of hazardous waste above 2 t/yr and of other waste above 2,000 t/yr are reported (portal defaults,
    E-PRTR Art. 5)."""

    hazardous = models.BooleanField(_("hazardous waste"), unique=True)
    tonnes_per_year = models.DecimalField(
        _("threshold, t/yr"), max_digits=16, decimal_places=3, validators=[MinValueValidator(0)]
    )
    default = models.BooleanField(_("portal default (E-PRTR)"), default=False)

    objects = ThresholdQuerySet.as_manager()

    class Meta:
        ordering = ["-hazardous"]
        verbose_name = _("transfer threshold")
        verbose_name_plural = _("transfer thresholds")
        constraints = [
            models.CheckConstraint(condition=Q(tonnes_per_year__gte=0), name="transferthreshold_non_negative")
        ]

    def __str__(self) -> str:
        return str(_("hazardous waste") if self.hazardous else _("other waste"))


class ReleaseYear(AuditedModel):
    """Per reporting year: the deadline (default 1 April of the next year), how large a change against last year
    earns a warning, and the difference between a sender's and a receiver's figures that is listed."""

    year = models.PositiveSmallIntegerField(_("reporting year"), unique=True)
    deadline = models.DateField(_("reporting deadline"))
    change_factor = models.DecimalField(
        _("change factor"), max_digits=6, decimal_places=2, default=Decimal("3"), validators=[MinValueValidator(1)],
        help_text=_("Warn when a release grows or shrinks by more than this factor against last year."),
    )  # fmt: skip
    transfer_tolerance_tonnes = models.DecimalField(
        _("transfer tolerance, t"), max_digits=16, decimal_places=3, default=Decimal("1"),
        validators=[MinValueValidator(0)],
        help_text=_("A sender's and a receiver's figures further apart than this are listed for the inspectors."),
    )  # fmt: skip

    objects = ThresholdQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("release reporting year")
        verbose_name_plural = _("release reporting years")
        constraints = [
            models.CheckConstraint(condition=Q(change_factor__gte=1), name="releaseyear_factor_at_least_1"),
            models.CheckConstraint(
                condition=Q(transfer_tolerance_tonnes__gte=0), name="releaseyear_tolerance_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    @classmethod
    def for_year(cls, year: int) -> "ReleaseYear":
        """The year's settings, or the defaults when none are stored."""
        stored = cls.objects.filter(year=year).first()
        if stored:
            return stored
        month, day = settings.RELEASES_DEFAULT_DEADLINE
        return cls(
            year=year,
            deadline=datetime.date(year + 1, month, day),
            change_factor=Decimal(settings.RELEASES_CHANGE_FACTOR),
            transfer_tolerance_tonnes=Decimal(settings.RELEASES_TRANSFER_TOLERANCE),
        )


class ReleaseReportQuerySet(EnterpriseScopedQuerySet):
    """Staff see and file their enterprises' reports; inspectors see and decide those of their regions. The public
    reads accepted figures above the thresholds through the public register's selectors."""


class ReleaseReport(FilingReport):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="release_reports", verbose_name=_("enterprise")
    )
    # The newest version, and the newest accepted one (the figures that count and are published).
    current = models.ForeignKey("ReleaseVersion", on_delete=models.PROTECT, null=True, related_name="+")
    accepted = models.ForeignKey("ReleaseVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = ReleaseReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "enterprise__name"]
        verbose_name = _("release report")
        verbose_name_plural = _("release reports")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="release_report_one_per_year")]

    @property
    def current_version(self) -> "ReleaseVersion":
        """`current`, which every report has: it is empty only inside `services.report_create`, between saving the
        report and its first version."""
        assert self.current is not None
        return self.current


class ReleaseVersion(FilingVersion):
    """A version's workflow is audited as a return version's is; its lines are recorded with it."""

    audit_parent = "report"
    audit_exclude = ("warnings",)
    audit_enterprise = "report__enterprise_id"
    audit_region = "report__enterprise__region_id"

    report = models.ForeignKey(
        ReleaseReport, on_delete=models.CASCADE, related_name="versions", verbose_name=_("release report")
    )

    class Meta:
        ordering = ["report", "number"]
        verbose_name = _("release report version")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="releaseversion_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "accepted", "returned"]),
                name="releaseversion_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class ReleaseLine(models.Model):
    """A release of one substance to one medium in the year, in kg, from one source of the enterprise (air and
    water, where the permit limits it per source) or from the site as a whole."""

    version = models.ForeignKey(ReleaseVersion, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("line"))
    medium = models.CharField(_("medium"), max_length=5, choices=ReleaseMedium.choices)
    substance = models.ForeignKey(Substance, on_delete=models.PROTECT, related_name="+", verbose_name=_("substance"))
    source = models.ForeignKey(
        EmissionSource, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("source")
    )
    kg_per_year = models.DecimalField(_("released, kg/yr"), max_digits=18, decimal_places=3)
    method = models.CharField(_("method"), max_length=1, choices=Method.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="releaseline_position_unique"),
            models.UniqueConstraint(
                fields=["version", "medium", "substance", "source"],
                condition=Q(source__isnull=False),
                name="releaseline_unique_per_source",
            ),
            models.UniqueConstraint(
                fields=["version", "medium", "substance"],
                condition=Q(source__isnull=True),
                name="releaseline_unique_without_source",
            ),
            models.CheckConstraint(condition=Q(kg_per_year__gte=0), name="releaseline_non_negative"),
            models.CheckConstraint(condition=Q(method__in=["M", "C", "E"]), name="releaseline_method_valid"),
            models.CheckConstraint(
                condition=Q(source__isnull=True) | ~Q(medium="land"), name="releaseline_land_no_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} line {self.position}"


class TransferDirection(models.TextChoices):
    SENT = "sent", _("sent")
    RECEIVED = "received", _("received")


OPERATIONS = [f"R{number}" for number in range(1, 14)] + [f"D{number}" for number in range(1, 16)]


class TransferLine(models.Model):
    """Waste sent off site to a receiver, or received from a sender, named by BIN, with the recovery (R1-R13) or
    disposal (D1-D15) operation of the Basel Convention. `counterpart` is the registered enterprise of that BIN,
    if there is one."""

    version = models.ForeignKey(ReleaseVersion, on_delete=models.CASCADE, related_name="transfers")
    position = models.PositiveIntegerField(_("line"))
    direction = models.CharField(_("direction"), max_length=8, choices=TransferDirection.choices)
    waste_code = models.ForeignKey(WasteCode, on_delete=models.PROTECT, related_name="+", verbose_name=_("waste code"))
    hazardous = models.BooleanField(_("hazardous"))
    operation = models.CharField(_("operation"), max_length=3, choices=[(code, code) for code in OPERATIONS])
    counterpart_bin = models.CharField(_("BIN of the other party"), max_length=12)
    counterpart = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("other party")
    )
    tonnes = models.DecimalField(_("tonnes"), max_digits=16, decimal_places=3)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="transferline_position_unique"),
            models.UniqueConstraint(
                fields=["version", "direction", "waste_code", "counterpart_bin", "operation"],
                name="transferline_unique_per_party",
            ),
            models.CheckConstraint(condition=Q(tonnes__gte=0), name="transferline_non_negative"),
            models.CheckConstraint(condition=Q(operation__in=OPERATIONS), name="transferline_operation_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.version} transfer {self.position}"


class ReleaseEvent(models.Model):
    """Who did what to a report, and when: the workflow's history, in the kinds of a return's."""

    version = models.ForeignKey(ReleaseVersion, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=ReturnEvent.Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    time = models.DateTimeField(_("time"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["time", "id"]

    def __str__(self) -> str:
        return f"{self.version} {self.kind}"
