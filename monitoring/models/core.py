"""Monitoring's reference data (pollutants, units, MPC norms, severity rules), monitoring points, and the
submissions of results with the results themselves."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from portal import coded
from portal.audit import AuditedModel, AuditedQuerySet
from portal.leases import LeasedWork
from portal.permissions import PublicQuerySet
from portal.uploads import MESSAGES as FILE_REFUSALS
from registry.models import Deposit, Enterprise, EnterpriseScopedQuerySet, PublishedOrScopedQuerySet


class Medium(models.TextChoices):
    AIR = "air", _("air")
    SOIL = "soil", _("soil")
    GROUNDWATER = "groundwater", _("groundwater")
    SURFACE_WATER = "surface_water", _("surface water")


# A stored message's parameter "medium" (portal.coded) is shown by its label.
coded.PARAMETER_FORMATS["medium"] = lambda value: str(Medium(value).label) if value in Medium.values else str(value)

# Every value is stored converted to its medium's base unit, so that results and norms compare directly.
BASE_UNIT = {Medium.AIR: "mg/m3", Medium.SOIL: "mg/kg", Medium.GROUNDWATER: "mg/l", Medium.SURFACE_WATER: "mg/l"}
WATER = (Medium.GROUNDWATER, Medium.SURFACE_WATER)


class Averaging(models.TextChoices):
    SINGLE = "single", _("single (maximum one-time)")
    DAILY = "daily", _("daily")
    ANNUAL = "annual", _("annual")


class Severity(models.IntegerChoices):
    """Ordered, so that an alert's severity is the maximum of its results'."""

    NONE = 0, _("none")
    EXCEEDANCE = 1, _("exceedance")
    HIGH = 2, _("high")
    EXTREME = 3, _("extreme")


SEVERITY_NAMES: dict[int, str] = {
    Severity.NONE: "none",
    Severity.EXCEEDANCE: "exceedance",
    Severity.HIGH: "high",
    Severity.EXTREME: "extreme",
}


class ReferenceQuerySet(AuditedQuerySet, PublicQuerySet):  # type: ignore[override]
    """Reference data: everyone reads it, administrators change it, every change is recorded."""


class Unit(AuditedModel):
    """A unit a result or norm may be given in, for one medium, with its factor to the medium's base unit."""

    code = models.CharField(_("unit"), max_length=10)
    medium = models.CharField(_("medium"), max_length=20, choices=Medium.choices)
    factor = models.DecimalField(_("factor to the base unit"), max_digits=20, decimal_places=10)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["medium", "code"]
        verbose_name = _("unit")
        constraints = [
            models.UniqueConstraint(fields=["code", "medium"], name="unit_code_medium_unique"),
            models.CheckConstraint(condition=Q(factor__gt=0), name="unit_factor_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_medium_display()})"


class Pollutant(AuditedModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    cas = models.CharField(_("CAS number"), max_length=20, blank=True)
    hazard_class = models.PositiveSmallIntegerField(
        _("hazard class"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    # Copper, iron and manganese compounds, oil products and phenols have their own tiers in water.
    water_special = models.BooleanField(_("special tiers in water"), default=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("pollutant")

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        language = (get_language() or "ru")[:2]
        return {"kk": self.name_kk, "ru": self.name_ru}.get(language) or self.name_en


class MpcNorm(AuditedModel):
    """A maximum permissible concentration, valid for a period."""

    pollutant = models.ForeignKey(
        Pollutant, on_delete=models.PROTECT, related_name="norms", verbose_name=_("pollutant")
    )
    medium = models.CharField(_("medium"), max_length=20, choices=Medium.choices)
    averaging = models.CharField(_("averaging period"), max_length=10, choices=Averaging.choices)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=10)
    unit = models.CharField(_("unit"), max_length=10)
    value_base = models.DecimalField(_("value in the base unit"), max_digits=24, decimal_places=12, editable=False)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["pollutant", "medium", "averaging", "valid_from"]
        verbose_name = _("MPC norm")
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="mpcnorm_value_positive"),
            models.UniqueConstraint(
                fields=["pollutant", "medium", "averaging", "valid_from"], name="mpcnorm_one_per_period_start"
            ),
        ]

    def __str__(self) -> str:
        value = number_format(self.value.normalize(), force_grouping=True)
        return f"{self.pollutant} {self.get_medium_display()}, {self.get_averaging_display()}: {value} {self.unit}"


class SeverityRuleSet(AuditedModel):
    """A version of the rules that turn a ratio into a severity. Results record the version that classified them."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    note = models.TextField(_("note"), blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("severity rule set")

    def __str__(self) -> str:
        return f"v{self.version}"


class SeverityRule(AuditedModel):
    """Multiples of the MPC at which a result is "high" and "extreme" pollution.

    The most specific rule wins: a pollutant's own, then water's special group, then a hazard class, then the medium.
    """

    audit_parent = "ruleset"

    ruleset = models.ForeignKey(
        SeverityRuleSet, on_delete=models.CASCADE, related_name="rules", verbose_name=_("severity rule set")
    )
    medium = models.CharField(_("medium"), max_length=20, choices=Medium.choices)
    pollutant = models.ForeignKey(
        Pollutant, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("pollutant")
    )
    hazard_classes = models.CharField(_("hazard classes"), max_length=10, blank=True, help_text=_("e.g. “1,2”"))
    water_special = models.BooleanField(_("for water's special group"), default=False)
    high_multiple = models.DecimalField(_("high pollution at a multiple of the MPC"), max_digits=8, decimal_places=2)
    extreme_multiple = models.DecimalField(
        _("extremely high pollution at a multiple of the MPC"), max_digits=8, decimal_places=2
    )

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("severity rule")
        constraints = [
            models.CheckConstraint(
                condition=Q(high_multiple__gt=1, extreme_multiple__gte=models.F("high_multiple")),
                name="severityrule_multiples_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ruleset} {self.get_medium_display()}"


class SeverityThreshold(models.Model):
    """The rule set resolved per pollutant and medium, so that evaluation is a plain join."""

    ruleset = models.ForeignKey(SeverityRuleSet, on_delete=models.CASCADE, related_name="thresholds")
    pollutant = models.ForeignKey(Pollutant, on_delete=models.CASCADE, related_name="+")
    medium = models.CharField(max_length=20, choices=Medium.choices)
    high = models.DecimalField(max_digits=8, decimal_places=2)
    extreme = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "pollutant", "medium"], name="threshold_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ruleset} {self.pollutant_id} {self.get_medium_display()}: {self.high}/{self.extreme}"


class PointQuerySet(AuditedQuerySet, PublishedOrScopedQuerySet):  # type: ignore[override]
    enterprise_field = "enterprise_id"
    region_field = "enterprise__region_id"


class MonitoringPoint(AuditedModel):
    audit_parent = "enterprise"

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="monitoring_points", verbose_name=_("enterprise")
    )
    code = models.CharField(_("code"), max_length=40)
    medium = models.CharField(_("medium"), max_length=20, choices=Medium.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)
    deposit = models.ForeignKey(
        Deposit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("deposit")
    )
    distance_m = models.PositiveIntegerField(_("distance to the deposit, m"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    objects = PointQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "code"]
        verbose_name = _("monitoring point")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "code"], name="point_code_unique_per_enterprise"),
            # The target of the results' composite foreign key (point, enterprise) on PostgreSQL, which keeps each
            # result's copy of its point's enterprise equal to it (migration monitoring/0009).
            models.UniqueConstraint(fields=["id", "enterprise"], name="point_id_enterprise_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_medium_display()})"


# Why a submission failed (portal.leases keeps the error as a code and its parameters).
ROWS_INVALID, NO_RULESET = "rows_invalid", "no_ruleset"


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    PROCESSING = "processing", _("processing")
    PROCESSED = "processed", _("processed")
    FAILED = "failed", _("failed")


class Submission(LeasedWork):
    """A batch of results of one enterprise, by API, file or form. A worker reads a file and evaluates the results
    under a lease on the row (portal.leases)."""

    lease_queued, lease_running = SubmissionStatus.RECEIVED, SubmissionStatus.PROCESSING
    lease_done, lease_failed = SubmissionStatus.PROCESSED, SubmissionStatus.FAILED
    lease_asked_at = "received_at"
    lease_errors = {
        **FILE_REFUSALS,  # a file refused by a worker: over a limit, or not readable (portal.uploads)
        ROWS_INVALID: ngettext_lazy(
            "Nothing was saved: %(count)s row has errors. Correct it and upload the file again.",
            "Nothing was saved: %(count)s rows have errors. Correct them and upload the file again.",
            "count",
        ),
        NO_RULESET: _(
            "The results are saved but cannot be classified: no severity rule set is defined. An administrator "
            "adds one, then retries this submission."
        ),
    }

    class Channel(models.TextChoices):
        API = "api", "API"
        FILE = "file", _("file")
        FORM = "form", _("form")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="submissions")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=12, choices=SubmissionStatus.choices, default="received")
    evaluated_at = models.DateTimeField(_("evaluated"), null=True, blank=True)
    file = models.FileField(upload_to="submissions/%Y/%m/", blank=True)
    # For a file read in the background: rows read so far, and the row errors if it failed.
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    # The first and last sampling time of its results, set as they are stored: evaluation reads the results by the
    # submission within this span, which the planner prunes to its months' partitions (monitoring.partitions).
    sampled_from = models.DateTimeField(null=True, blank=True, editable=False)
    sampled_to = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EnterpriseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "received_at"], name="submission_status_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} #{self.pk}"

    @property
    def row_errors(self) -> list[dict[str, object]]:
        """The stored row errors of a file read in the background, each reason in the reader's language
        (portal.coded; an error stored as text before stays as it was)."""
        return [{**error, "reason": coded.written(error, "reason")} for error in self.errors]


class ResultQuerySet(EnterpriseScopedQuerySet):
    """Scoped by the result's own `enterprise_id` (its point's, copied), without a join through points."""


class Result(models.Model):
    """On PostgreSQL the table is partitioned by month of `sampled_at` (monitoring.partitions, docs/architecture.md
    "Results table"): every unique key must include `sampled_at`, and a query reads fewer months the narrower its
    `sampled_at` range. Every unique key also includes `enterprise`, the distribution key should the table be spread
    over nodes by enterprise (the database's primary key is (id, sampled_at, enterprise_id))."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="results")
    # Every index costs each of millions of inserts: a foreign key gets one only where results are looked up by it
    # (enterprise and point: the unique constraint's index leads with them). Deleting a pollutant, norm or rule set,
    # which the protection then checks by a scan, is a rare act of an administrator.
    point = models.ForeignKey(MonitoringPoint, on_delete=models.PROTECT, related_name="results", db_index=False)
    # The point's enterprise, copied as the result is stored (points never change enterprise; the database refuses
    # it once a point has results): the scope of every permission check and the distribution key. On PostgreSQL
    # the composite foreign key (point, enterprise) to the point's (id, enterprise) keeps it equal to the point's,
    # and implies this one, which therefore has no constraint of its own (one check fewer per stored row).
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    pollutant = models.ForeignKey(Pollutant, on_delete=models.PROTECT, related_name="+", db_index=False)
    # The point's medium, copied so that evaluation joins norms without a join through points.
    medium = models.CharField(max_length=20, choices=Medium.choices)
    sampled_at = models.DateTimeField(_("sampled at"))
    # The local date of sampling, which decides which norm was valid.
    sampled_on = models.DateField()
    averaging = models.CharField(_("averaging period"), max_length=10, choices=Averaging.choices)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=10)
    below_detection = models.BooleanField(_("below the detection limit"), default=False)
    unit = models.CharField(_("unit"), max_length=10)
    value_base = models.FloatField(_("value in the base unit"))
    method = models.CharField(_("method"), max_length=200, blank=True)
    laboratory = models.CharField(_("laboratory"), max_length=200, blank=True)
    # Set by evaluation:
    norm = models.ForeignKey(MpcNorm, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False)
    mpc_base = models.FloatField(null=True, blank=True)
    ratio = models.FloatField(null=True, blank=True)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.NONE)
    ruleset = models.ForeignKey(
        SeverityRuleSet, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    evaluated = models.BooleanField(default=False)
    alert = models.ForeignKey(
        "Alert", on_delete=models.PROTECT, null=True, blank=True, related_name="results", db_index=False
    )

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["sampled_at", "id"]
        constraints = [
            # Leads with the enterprise, so that a scoped read (an enterprise's, or a point's with its enterprise)
            # walks it.
            models.UniqueConstraint(
                fields=["enterprise", "point", "pollutant", "sampled_at", "averaging"], name="result_no_duplicates"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="result_value_non_negative"),
        ]
        # Partial indexes: most results exceed nothing, have no alert and are evaluated.
        indexes = [
            models.Index(fields=["submission"], condition=Q(severity__gt=0), name="result_exceeding_idx"),
            models.Index(fields=["submission"], condition=Q(evaluated=False), name="result_unevaluated_idx"),
            models.Index(fields=["alert"], condition=Q(alert__isnull=False), name="result_alert_idx"),
            # The newest first, as the results and exceedances APIs page them (keyset on sampled_at, id): without
            # these an unfiltered page sorts every row of every month. Results arrive in time order, so the
            # insert lands on the index's right edge and costs little.
            models.Index(fields=["-sampled_at", "-id"], name="result_newest_idx"),
            models.Index(
                fields=["-sampled_at", "-id"], condition=Q(severity__gt=0), name="result_exceeding_newest_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point} {self.pollutant} {self.sampled_at:%Y-%m-%d %H:%M}"


class PartitionArchive(AuditedModel):
    """A month's partition of a table partitioned by month archived (monitoring.partitions.MonthlyTable.archive):
    detached, copied to a compressed CSV file, verified and dropped. Recorded before the partition is detached. Each
    partitioned table records its archived months in a model of its own app (the results: `ResultArchive`)."""

    partition = models.CharField(_("partition"), max_length=63, unique=True)
    before = models.PositiveSmallIntegerField(_("archived before the year"))
    rows = models.BigIntegerField(_("rows"), null=True, blank=True)
    file = models.CharField(_("file"), max_length=500, blank=True)
    sha256 = models.CharField(_("SHA-256 checksum of the file"), max_length=64, blank=True)
    archived_at = models.DateTimeField(_("archiving started"), auto_now_add=True)
    # Set with the table dropped, in the same transaction, once the file was read back and matched the table.
    dropped_at = models.DateTimeField(_("table dropped"), null=True, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["partition"]

    def __str__(self) -> str:
        return self.partition


class ResultArchive(PartitionArchive):
    """A month of results archived (`manage.py archive_results`). The statistics of the years before `before` are
    kept as they were computed from then on."""

    class Meta(PartitionArchive.Meta):
        verbose_name = _("archived month of results")
        verbose_name_plural = _("archived months of results")
