"""Statistics: the official published tables, with their source, and the reference figures per year."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from monitoring.models import Medium
from portal.audit import AuditedModel, AuditedQuerySet
from portal.leases import LeasedWork
from portal.permissions import PublicQuerySet, RestrictedQuerySet
from registry.models import Region


class PublishedSeries(models.Model):
    """One official table, as published (e.g. hazardous waste held at enterprises, by region)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=300)
    source = models.TextField(_("source"))
    note = models.TextField(_("note"), blank=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("published series")

    def __str__(self) -> str:
        return self.title


class PublishedValue(models.Model):
    """One figure of a published table. A null region is the republic as a whole."""

    series = models.ForeignKey(PublishedSeries, on_delete=models.CASCADE, related_name="values")
    indicator = models.CharField(_("indicator"), max_length=40)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=1)
    unit = models.CharField(_("unit"), max_length=40)
    # The row of the region in the official table, so that pages keep its order.
    row = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["series", "indicator", "row", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "indicator", "region", "year"],
                condition=Q(region__isnull=False),
                name="published_value_unique_regional",
            ),
            models.UniqueConstraint(
                fields=["series", "indicator", "year"],
                condition=Q(region__isnull=True),
                name="published_value_unique_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series.code} {self.indicator} {self.region_id or 'KZ'} {self.year}: {self.value}"


class YearReferenceQuerySet(AuditedQuerySet, PublicQuerySet):  # type: ignore[override]
    pass


class YearReference(AuditedModel):
    """Population and GDP of a year, entered by administrators; per-capita figures stay blank without them."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    population = models.PositiveBigIntegerField(_("average annual population"), null=True, blank=True)
    gdp_million_usd = models.DecimalField(_("GDP, million US$"), max_digits=14, decimal_places=1, null=True, blank=True)
    source = models.TextField(_("source"), blank=True)

    objects = YearReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("population and GDP of a year")

    def __str__(self) -> str:
        return str(self.year)


class WasteAggregate(models.Model):
    """Accepted returns summed by year, region (the enterprise's), hazard level and kind of storage deposit.

    Computed by reports.aggregates only; the incremental refresh and the full rebuild run the same SQL.
    """

    year = models.PositiveSmallIntegerField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    hazard_level = models.CharField(max_length=5, blank=True)  # "" for non-hazardous waste
    deposit_kind = models.CharField(max_length=30, blank=True)  # "" when not stored in a registered deposit
    held = models.DecimalField(max_digits=20, decimal_places=3)
    generated = models.DecimalField(max_digits=20, decimal_places=3)
    received = models.DecimalField(max_digits=20, decimal_places=3)
    recycled = models.DecimalField(max_digits=20, decimal_places=3)
    disposed = models.DecimalField(max_digits=20, decimal_places=3)
    transferred = models.DecimalField(max_digits=20, decimal_places=3)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region", "hazard_level", "deposit_kind"], name="wasteaggregate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region_id} {self.hazard_level or '-'} {self.deposit_kind or '-'}"


class ReturnCoverage(models.Model):
    """How many returns the waste figures of a year and region cover: the enterprises expected to file for the year
    (`registry.returns.selectors.expected_filers`) in the region they were in on 31 December, and of them how many
    have an accepted return (their figures are in `WasteAggregate`), how many a submitted one not yet decided, and
    how many a return sent back and not submitted again. The rest of the expected are missing.

    Computed by reports.aggregates with the waste aggregates of the same year, in the same transaction."""

    year = models.PositiveSmallIntegerField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    expected = models.PositiveIntegerField()
    accepted = models.PositiveIntegerField()
    submitted = models.PositiveIntegerField()  # submitted, not yet decided, with no accepted version
    returned = models.PositiveIntegerField()  # sent back for correction and not submitted again; among the missing

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "region"], name="returncoverage_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.region_id}: {self.accepted} of {self.expected}"


class MonitoringAggregate(models.Model):
    """Evaluated monitoring results by year, region, pollutant and medium."""

    year = models.PositiveSmallIntegerField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    pollutant_code = models.CharField(max_length=20)
    medium = models.CharField(max_length=20)
    unit = models.CharField(max_length=10)
    results = models.PositiveIntegerField()
    mean = models.FloatField()
    maximum = models.FloatField()
    exceeding = models.PositiveIntegerField()
    high = models.PositiveIntegerField()
    extreme = models.PositiveIntegerField()
    points = models.PositiveIntegerField()
    enterprises = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region", "pollutant_code", "medium"], name="monitoringaggregate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region_id} {self.pollutant_code} {self.medium}"

    @property
    def medium_label(self) -> str:
        return str(Medium(self.medium).label) if self.medium in Medium.values else self.medium

    @property
    def suppressed(self) -> bool:
        return small_cell(points=self.points, enterprises=self.enterprises)


def small_cell(*, points: int, enterprises: int) -> bool:
    """Does a monitoring cell rest on fewer than STATISTICS_MIN_CELL points or enterprises? Public statistics then
    show none of its figures (statistical confidentiality: one or two enterprises' own results could be read from
    them). Points are never fewer than enterprises; both are named because both are what a reader counts."""
    return min(points, enterprises) < settings.STATISTICS_MIN_CELL


class MonitoringPointYear(models.Model):
    """The evaluated results of one point and pollutant in a year: the partial sums `MonitoringAggregate` is grouped
    from (reports.aggregates). A submission's refresh recomputes only the cells it touched (`DirtyMonitoringCell`),
    each read by the results' unique index and the year's partitions, and then groups its region's year from these
    rows (points x pollutants) instead of the year's results (millions). Every point, published or not, in no
    region: which points are public and which region an enterprise lay in on 31 December are applied when grouping,
    so publishing a point or moving an enterprise leaves these rows as they are."""

    year = models.PositiveSmallIntegerField()
    point = models.ForeignKey("monitoring.MonitoringPoint", on_delete=models.CASCADE, related_name="+", db_index=False)
    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the point's, for the grouping by region
    pollutant = models.ForeignKey("monitoring.Pollutant", on_delete=models.CASCADE, related_name="+", db_index=False)
    medium = models.CharField(max_length=20)
    results = models.PositiveIntegerField()
    value_sum = models.FloatField()  # of value_base: the mean is the sum of the sums over the sum of the counts
    maximum = models.FloatField()
    exceeding = models.PositiveIntegerField()
    high = models.PositiveIntegerField()
    extreme = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "point", "pollutant", "medium"], name="monitoringpointyear_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.point_id} {self.pollutant_id} {self.medium}"


class ReleaseAggregate(models.Model):
    """The published releases of accepted PRTR reports summed by year, region (the enterprise's on 31 December),
    substance and medium, in kg/yr as reported: the lines of each report's accepted version at or above their
    substance's threshold for the medium (below it a release is kept but not published, so not counted here).

    Computed by reports.aggregates only, with `ReleaseCoverage`; the incremental refresh and the full rebuild run
    the same SQL."""

    year = models.PositiveSmallIntegerField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    substance = models.ForeignKey("permits.Substance", on_delete=models.CASCADE, related_name="+", db_index=False)
    medium = models.CharField(max_length=5)  # registry.releases.models.ReleaseMedium
    kg_per_year = models.DecimalField(max_digits=20, decimal_places=3)
    enterprises = models.PositiveIntegerField()  # whose published lines the total sums

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "region", "substance", "medium"], name="releaseaggregate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region_id} {self.substance_id} {self.medium}"


class ReleaseCoverage(models.Model):
    """How many release reports the release totals of a year and region cover: the enterprises expected to report
    for the year (`reports.aggregates.releases.expected_reporters`) in the region they were in on 31 December, and
    of them how many have an accepted report (their published figures are in `ReleaseAggregate`).

    Computed by reports.aggregates with the release totals of the same year, in the same transaction."""

    year = models.PositiveSmallIntegerField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    expected = models.PositiveIntegerField()
    accepted = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "region"], name="releasecoverage_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.region_id}: {self.accepted} of {self.expected}"


class DirtyMonitoringCell(models.Model):
    """A (year, point, pollutant) whose `MonitoringPointYear` rows must be recomputed, marked with the
    `DirtyAggregate` of its year and region (before it, in the same statement block), and cleared by that mark's
    refresh under the same rule of generations."""

    year = models.PositiveSmallIntegerField()
    point = models.ForeignKey("monitoring.MonitoringPoint", on_delete=models.CASCADE, related_name="+", db_index=False)
    pollutant = models.ForeignKey("monitoring.Pollutant", on_delete=models.CASCADE, related_name="+", db_index=False)
    generation = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "point", "pollutant"], name="dirtymonitoringcell_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.point_id} {self.pollutant_id}"


class DirtyAggregate(models.Model):
    """A (kind, year, region) whose aggregates must be recomputed. Many events mark the same row, and one
    refresh task clears them all: a burst of events becomes one update.

    Every mark of an existing row adds one to `generation`; a refresh deletes the row only if its generation is
    still the one it saw before computing, so a mark made meanwhile survives it (reports.aggregates)."""

    kind = models.CharField(
        max_length=10, choices=[("waste", "waste"), ("monitoring", "monitoring"), ("releases", "releases")]
    )
    year = models.PositiveSmallIntegerField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    generation = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year", "region"], name="dirtyaggregate_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} {self.region_id}"


class RegionalReportQuerySet(AuditedQuerySet, RestrictedQuerySet):  # type: ignore[override]
    """Inspectors order and read the reports of the regions they inspect; administrators all."""

    region_field = "region_id"


class RegionalReport(LeasedWork, AuditedModel):
    """A regional annual report ordered by an inspector or administrator, generated as a PDF by a worker under a
    lease on the row (portal.leases)."""

    # Its status and error are audited; the progress bar and the lease are not.
    audit_exclude = ("progress", "claimed_at", "lease_until", "attempts")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being generated")
        DONE = "done", _("ready")
        FAILED = "failed", pgettext_lazy("report generation", "failed")

    lease_queued, lease_running, lease_done, lease_failed = Status.QUEUED, Status.RUNNING, Status.DONE, Status.FAILED
    lease_asked_at = "requested_at"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    requested_by = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("ordered by")
    )
    requested_at = models.DateTimeField(_("ordered"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    file = models.FileField(_("file"), upload_to="reports/%Y/", blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = RegionalReportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("regional report")

    def __str__(self) -> str:
        return f"{self.region} {self.year} ({self.get_language_display()})"
