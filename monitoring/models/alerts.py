"""Alerts for the inspectors of a region: an exceedance of an MPC at a monitoring point, or a year's release over
the limit of a permit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from monitoring.models.core import MonitoringPoint, Pollutant, Severity
from portal.audit import AuditedModel, AuditedQuerySet
from registry.models import Enterprise, EnterpriseScopedQuerySet
from registry.permits.models import EmissionSource, Substance


class AlertStatus(models.TextChoices):
    NEW = "new", _("new")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    INVESTIGATING = "investigating", _("under investigation")
    RESOLVED = "resolved", _("resolved")
    DISMISSED = "dismissed", _("dismissed")


OPEN_ALERT = [AlertStatus.NEW, AlertStatus.ACKNOWLEDGED, AlertStatus.INVESTIGATING]


class AlertQuerySet(AuditedQuerySet, EnterpriseScopedQuerySet):  # type: ignore[override]
    """Scoped by the alert's own `enterprise_id`, whatever its kind (a point's or a source's)."""


class AlertKind(models.TextChoices):
    """What an alert is about. Each kind has its own fields (the check constraints below); more kinds are added as
    the checks that raise them are (continuous emission monitoring, adverse-weather regimes)."""

    EXCEEDANCE = "exceedance", _("exceedance of an MPC")
    OVER_LIMIT = "over_limit", _("release over the permit's limit")
    RATE_OVER_LIMIT = "rate_over_limit", _("emission rate over the permit's g/s limit")
    SILENT = "silent", _("continuous monitoring silent")
    CUT_SHORT = "cut_short", _("adverse-weather cut short of the required one")
    NOT_MEASURED = "not_measured", _("adverse-weather cut not measured")


# The fields each kind has; every other field of `KIND_FIELDS` is empty on it (`alert_kind_fields`).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    AlertKind.EXCEEDANCE: ("point", "pollutant"),
    AlertKind.OVER_LIMIT: ("source", "substance", "year", "released_tonnes", "permitted_tonnes"),
    # Continuous emission monitoring (monitoring.emissions): intervals above the g/s limit, counted in
    # `result_count` up to `last_sampled_at`; and a source that sent nothing since `silent_since`.
    AlertKind.RATE_OVER_LIMIT: ("source", "substance", "permitted_gs", "peak_gs"),
    AlertKind.SILENT: ("source", "silent_since"),
    # A verdict of an adverse-weather regime (monitoring.regimes) on a source and substance over the regime's window:
    # the cut achieved short of the required one, or no data to tell.
    AlertKind.CUT_SHORT: ("source", "substance", "window_start", "window_end", "achieved_cut", "required_cut"),
    AlertKind.NOT_MEASURED: ("source", "substance", "window_start", "window_end", "required_cut"),
}


def _kind_fields_condition() -> Q:
    every = {field for fields in KIND_FIELDS.values() for field in fields}
    condition = Q()
    for kind, fields in KIND_FIELDS.items():
        has = {f"{field}__isnull": False for field in fields}
        lacks = {f"{field}__isnull": True for field in sorted(every - set(fields))}
        condition |= Q(kind=kind, **has, **lacks)
    return condition


class Alert(AuditedModel):
    """An alert of an enterprise for the inspectors of its region, by kind: an exceedance (one open per point and
    pollutant, gathering its exceeding results), or a year's release over the permit's limit (one open per source,
    substance and year, holding the released and permitted tonnes of the accepted report)."""

    # Its workflow (status, assignee) and what it says (severity, persistence, figures) are audited; the running
    # totals of its results are not.
    audit_exclude = ("last_sampled_at", "result_count")

    # Denormalised from the point or source: the scope of every permission check and the distribution key.
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices, default=AlertKind.EXCEEDANCE)
    point = models.ForeignKey(
        MonitoringPoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("monitoring point"),
    )
    pollutant = models.ForeignKey(
        Pollutant, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("pollutant")
    )
    source = models.ForeignKey(
        EmissionSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("emission source"),
    )
    substance = models.ForeignKey(
        Substance, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("substance")
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    # An over-limit alert's figures, those of the newest accepted version of the year's release report.
    released_tonnes = models.DecimalField(_("released, t/yr"), max_digits=18, decimal_places=6, null=True, blank=True)
    permitted_tonnes = models.DecimalField(_("permitted, t/yr"), max_digits=16, decimal_places=6, null=True, blank=True)
    # A continuous-monitoring alert's figures: the limit and the highest rate above it.
    permitted_gs = models.DecimalField(_("permitted, g/s"), max_digits=16, decimal_places=6, null=True, blank=True)
    peak_gs = models.DecimalField(_("highest rate, g/s"), max_digits=18, decimal_places=6, null=True, blank=True)
    silent_since = models.DateTimeField(_("silent since"), null=True, blank=True)
    # A regime verdict's window and its cuts, as fractions (0.35 is 35 %).
    window_start = models.DateTimeField(_("regime start"), null=True, blank=True)
    window_end = models.DateTimeField(_("regime end"), null=True, blank=True)
    achieved_cut = models.DecimalField(_("achieved cut"), max_digits=9, decimal_places=6, null=True, blank=True)
    required_cut = models.DecimalField(_("required cut"), max_digits=7, decimal_places=6, null=True, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=AlertStatus.choices, default=AlertStatus.NEW)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, default=Severity.EXCEEDANCE)
    persistent = models.BooleanField(_("persistent exceedance"), default=False)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    last_sampled_at = models.DateTimeField(_("latest exceeding sample"), null=True)
    result_count = models.PositiveIntegerField(_("exceeding results"), default=0)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        # An over-limit alert has no samples: after the exceedances of its severity, newest first.
        ordering = ["-severity", models.F("last_sampled_at").desc(nulls_last=True), "-opened_at"]
        verbose_name = _("alert")
        constraints = [
            models.UniqueConstraint(
                fields=["point", "pollutant"],
                condition=Q(status__in=["new", "acknowledged", "investigating"]),
                name="alert_one_open_per_point_pollutant",
            ),
            models.UniqueConstraint(
                fields=["source", "substance", "year"],
                condition=Q(kind="over_limit", status__in=["new", "acknowledged", "investigating"]),
                name="alert_one_open_over_limit",
            ),
            models.UniqueConstraint(
                fields=["source", "substance"],
                condition=Q(kind="rate_over_limit", status__in=["new", "acknowledged", "investigating"]),
                name="alert_one_open_rate_over_limit",
            ),
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(kind="silent", status__in=["new", "acknowledged", "investigating"]),
                name="alert_one_open_silent",
            ),
            models.UniqueConstraint(
                fields=["kind", "source", "substance", "window_start"],
                condition=Q(kind__in=["cut_short", "not_measured"]),
                name="alert_one_per_regime_verdict",
            ),
            models.CheckConstraint(condition=_kind_fields_condition(), name="alert_kind_fields"),
        ]

    def __str__(self) -> str:
        if self.kind == AlertKind.OVER_LIMIT:
            return f"{self.source} {self.substance} {self.year} ({self.get_status_display()})"
        if self.kind == AlertKind.SILENT:
            return f"{self.source} ({self.get_status_display()})"
        if self.kind != AlertKind.EXCEEDANCE:
            return f"{self.source} {self.substance} ({self.get_status_display()})"
        return f"{self.point} {self.pollutant} ({self.get_status_display()})"

    @property
    def ratio(self) -> float | None:
        """An over-limit alert's released tonnes over permitted ones, a rate alert's highest rate over its g/s limit
        (None for other kinds, or a zero limit)."""
        if self.kind == AlertKind.RATE_OVER_LIMIT and self.peak_gs is not None and self.permitted_gs:
            return float(self.peak_gs / self.permitted_gs)
        if self.released_tonnes is None or not self.permitted_tonnes:
            return None
        return float(self.released_tonnes / self.permitted_tonnes)


class AlertEvent(models.Model):
    """The history of an alert: status changes, assignments, comments."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    time = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=14, choices=AlertStatus.choices, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["time", "id"]

    def __str__(self) -> str:
        what = self.get_status_display() if self.status else _("comment")
        return f"{self.alert} {what}"
