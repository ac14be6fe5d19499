"""Continuous emission monitoring (CEMS): the measured series of a source (`Channel`), each interval's value
(`EmissionValue`, partitioned by month on PostgreSQL) and the batches they arrive in (`EmissionSubmission`)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from monitoring.models import NO_RULESET, Alert, PartitionArchive, Submission
from portal import coded
from portal.audit import AuditedModel, AuditedQuerySet
from portal.leases import LeasedWork
from registry.models import Enterprise, EnterpriseScopedQuerySet, PublishedOrScopedQuerySet
from registry.permits.models import EmissionSource, Substance


class Interval(models.IntegerChoices):
    """The measuring intervals of automated monitoring: 20 minutes to an hour, dividing the hour."""

    MIN20 = 20, _("20 minutes")
    MIN30 = 30, _("30 minutes")
    MIN60 = 60, _("1 hour")


class Unit(models.TextChoices):
    """A rate as sent, or a concentration that needs the gas flow of the same interval to become one."""

    GRAMS_PER_SECOND = "g/s", "g/s"
    MG_PER_M3 = "mg/m3", "mg/m3"


class ChannelQuerySet(AuditedQuerySet, PublishedOrScopedQuerySet):  # type: ignore[override]
    """Restricted like its source: public when the source is published, otherwise its enterprise's staff and the
    inspectors of its region."""

    enterprise_field = "source__enterprise_id"
    region_field = "source__enterprise__region_id"

    def public(self) -> Q:
        return Q(source__is_published=True)


class Channel(AuditedModel):
    """One measured series: a source's emission of a substance, one value every `interval_minutes` from `since`."""

    audit_parent = "source"

    source = models.ForeignKey(
        EmissionSource, on_delete=models.PROTECT, related_name="channels", verbose_name=_("source")
    )
    substance = models.ForeignKey(Substance, on_delete=models.PROTECT, related_name="+", verbose_name=_("substance"))
    interval_minutes = models.PositiveSmallIntegerField(_("interval, minutes"), choices=Interval.choices)
    since = models.DateTimeField(_("measured since"))
    # Empty: the portal's default (settings); the silence alert counts from the last value received.
    silent_after_minutes = models.PositiveIntegerField(_("silent after, minutes"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        ordering = ["source", "substance"]
        verbose_name = _("monitoring channel")
        verbose_name_plural = _("monitoring channels")
        constraints = [
            models.UniqueConstraint(fields=["source", "substance"], name="channel_unique_per_source_substance"),
            models.CheckConstraint(condition=Q(interval_minutes__in=Interval.values), name="channel_interval_known"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.substance}"


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    PROCESSING = "processing", _("processing")
    PROCESSED = "processed", _("processed")
    FAILED = "failed", _("failed")


class SubmissionQuerySet(AuditedQuerySet, EnterpriseScopedQuerySet):  # type: ignore[override]
    pass


class EmissionSubmission(LeasedWork, AuditedModel):
    """A batch of interval values of one enterprise, by API or file. A worker reads a file under a lease on the row
    (portal.leases). Audited (who sent what, and how it ended); its values are not, like monitoring's results."""

    # Its status, counts and error are audited; the progress and the lease are not.
    # Its progress and lease, and what the ingest derived from the values (their span, the gaps between them), are
    # not changes anyone made.
    audit_exclude = (
        "rows_done", "rows_total", "claimed_at", "lease_until", "attempts", "gaps", "interval_from", "interval_to",
    )  # fmt: skip

    lease_queued, lease_running = SubmissionStatus.RECEIVED, SubmissionStatus.PROCESSING
    lease_done, lease_failed = SubmissionStatus.PROCESSED, SubmissionStatus.FAILED
    lease_asked_at = "received_at"
    # A file refused, or rows with errors: as a file of monitoring results fails (the same messages).
    lease_errors = {code: message for code, message in Submission.lease_errors.items() if code != NO_RULESET}

    class Via(models.TextChoices):
        API = "api", "API"
        FILE = "file", _("file")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="emission_submissions", verbose_name=_("enterprise")
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    via = models.CharField(_("sent by"), max_length=4, choices=Via.choices)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=12, choices=SubmissionStatus.choices, default="received")
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    file = models.FileField(upload_to="emissions/%Y/%m/", blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # Row errors of a refused batch: codes and parameters (portal.coded), the first thousand.
    errors = models.JSONField(default=list, blank=True)
    received_count = models.PositiveIntegerField(_("values received"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplicates"), default=0)
    over_limit_count = models.PositiveIntegerField(_("values over the limit"), default=0)
    # Intervals missing between a channel's first and last value of the batch: their number, and the ranges
    # [{source, substance, from, to, intervals}] (the first thousand).
    gap_count = models.PositiveIntegerField(_("intervals missing"), default=0)
    gaps = models.JSONField(default=list, blank=True)
    # The first and last interval of its values: reads of the submission's values prune to these months.
    interval_from = models.DateTimeField(null=True, blank=True, editable=False)
    interval_to = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("emission data submission")
        verbose_name_plural = _("emission data submissions")
        indexes = [models.Index(fields=["status", "received_at"], name="emission_submission_status_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} #{self.pk}"

    @property
    def row_errors(self) -> list[dict[str, object]]:
        """The stored row errors, each reason in the reader's language (portal.coded)."""
        return [{**error, "reason": coded.written(error, "reason")} for error in self.errors]


class EmissionValueQuerySet(EnterpriseScopedQuerySet):
    """Scoped by the value's own `enterprise_id` (its source's, copied)."""


class EmissionValue(models.Model):
    """One interval's emission of a channel. On PostgreSQL the table is partitioned by month of `interval_start`
    (monitoring.partitions): every unique key includes it, and also `enterprise`, the distribution key should the
    table be spread over nodes (the database's primary key is (id, interval_start, enterprise_id))."""

    submission = models.ForeignKey(EmissionSubmission, on_delete=models.PROTECT, related_name="values", db_index=False)
    # The source's enterprise, copied as the value is stored (scope of permission checks, distribution key).
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # No index of their own: the unique key leads with them.
    source = models.ForeignKey(EmissionSource, on_delete=models.PROTECT, related_name="+", db_index=False)
    substance = models.ForeignKey(Substance, on_delete=models.PROTECT, related_name="+", db_index=False)
    interval_start = models.DateTimeField(_("interval start"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=10)
    unit = models.CharField(_("unit"), max_length=5, choices=Unit.choices)
    flow_m3s = models.DecimalField(_("gas flow, m3/s"), max_digits=14, decimal_places=4, null=True, blank=True)
    # The emission rate: the value in g/s, or mg/m3 x m3/s / 1000.
    rate_gs = models.FloatField(_("rate, g/s"))
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False)

    objects = EmissionValueQuerySet.as_manager()

    class Meta:
        db_table = "emissions_value"
        ordering = ["interval_start", "id"]
        constraints = [
            # One key serves as the unique (enterprise, source, substance, interval_start) and as the index that
            # leads with (source, substance, interval_start): a channel's window reads a range of it, pruned to
            # the window's partitions, and every insert maintains one index rather than two.
            models.UniqueConstraint(
                fields=["source", "substance", "interval_start", "enterprise"], name="emission_value_unique"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="emission_value_non_negative"),
            models.CheckConstraint(
                condition=Q(unit=Unit.GRAMS_PER_SECOND, flow_m3s__isnull=True)
                | Q(unit=Unit.MG_PER_M3, flow_m3s__isnull=False, flow_m3s__gte=0),
                name="emission_value_flow_with_concentration",
            ),
        ]
        indexes = [
            # Most values are within the limit and have no alert.
            models.Index(fields=["alert"], condition=Q(alert__isnull=False), name="emission_value_alert_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}/{self.substance_id} {self.interval_start:%Y-%m-%d %H:%M}"


class EmissionValueArchive(PartitionArchive):
    """A month of emission values archived (`manage.py archive_emission_values`): values of the years before
    `before` are refused from then on (monitoring.emissions.ingest)."""

    class Meta(PartitionArchive.Meta):
        verbose_name = _("archived month of emission values")
        verbose_name_plural = _("archived months of emission values")
