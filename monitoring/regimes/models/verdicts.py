"""Whether each source made the cut a regime required: one verdict per regime, source and substance (a channel of
continuous data), computed by `monitoring.regimes.verification` from the stored interval values, and the record of
each regime's verification (`Verification`: when, and whether final).

Verdicts are derived figures, recomputed from the values whenever the regime is verified (hourly while it runs),
so they are not audited row by row, as the statistics' aggregates are not: what an inspector acts on is the alert a
verdict opens, which keeps its history. The required cut is recorded twice: the version it was judged by (FK) and
its value, so that the verdict reads the same after an administrator adds a new version."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from monitoring.models import Alert
from monitoring.regimes.models.regimes import Regime, RequiredCut
from portal.permissions import PublicQuerySet
from registry.models import PublishedOrScopedQuerySet
from registry.permits.models import EmissionSource, Substance


class VerdictStatus(models.TextChoices):
    PASSED = "passed", _("cut made")
    SHORT = "short", _("cut short")
    NOT_MEASURED = "not_measured", _("not measured")


class NotMeasuredReason(models.TextChoices):
    """Why a verdict could not be reached: no value during the regime, or none in the baseline to compare with."""

    NONE = "", _("none")
    NO_DATA_DURING = "no_data_during", _("no data during the regime")
    NO_BASELINE = "no_baseline", _("no baseline in the 7 days before")


class VerdictQuerySet(PublishedOrScopedQuerySet):
    """Public with its source (a regime and its verdicts are public); an unpublished source's verdicts are its
    enterprise's, its region's inspectors' and the administrators'."""

    enterprise_field = "source__enterprise_id"
    region_field = "source__enterprise__region_id"

    def public(self) -> Q:
        return Q(source__is_published=True)


class Verdict(models.Model):
    """The cut a source achieved for a substance over a regime's window: 1 - during_mean / baseline_mean, with the
    number of intervals behind each mean. `final` once the regime has ended; before, provisional (the window so
    far)."""

    regime = models.ForeignKey(Regime, on_delete=models.CASCADE, related_name="verdicts", verbose_name=_("regime"))
    source = models.ForeignKey(EmissionSource, on_delete=models.PROTECT, related_name="+", verbose_name=_("source"))
    substance = models.ForeignKey(Substance, on_delete=models.PROTECT, related_name="+", verbose_name=_("substance"))
    # Means of the rate in g/s over the intervals counted: during [starts_at, ends_at), and in the same local hours
    # of the 7 days before, outside every regime of the city. None when nothing was counted.
    during_mean_gs = models.FloatField(_("mean rate during, g/s"), null=True, blank=True)
    during_count = models.PositiveIntegerField(_("intervals during"))
    baseline_mean_gs = models.FloatField(_("mean rate before, g/s"), null=True, blank=True)
    baseline_count = models.PositiveIntegerField(_("intervals before"))
    # A fraction (0.35 = 35 %); negative when the rate rose. None when not measured.
    achieved_cut = models.FloatField(_("achieved cut"), null=True, blank=True)
    required_cut = models.ForeignKey(
        RequiredCut, on_delete=models.PROTECT, related_name="+", verbose_name=_("required cut version")
    )
    required_value = models.DecimalField(_("required cut"), max_digits=5, decimal_places=4)
    status = models.CharField(_("verdict"), max_length=12, choices=VerdictStatus.choices)
    reason = models.CharField(_("why not measured"), max_length=16, choices=NotMeasuredReason.choices, blank=True)
    final = models.BooleanField(_("final"), default=False)
    computed_at = models.DateTimeField(_("computed"))
    alert = models.ForeignKey(
        Alert, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("alert")
    )

    objects = VerdictQuerySet.as_manager()

    class Meta:
        ordering = ["regime", "source__code", "substance__code"]
        verbose_name = _("regime verdict")
        verbose_name_plural = _("regime verdicts")
        constraints = [
            models.UniqueConstraint(fields=["regime", "source", "substance"], name="verdict_one_per_channel"),
            models.CheckConstraint(
                condition=Q(status__in=VerdictStatus.values) & Q(reason__in=NotMeasuredReason.values),
                name="verdict_status_known",
            ),
            # Not measured exactly when a reason says why; a cut achieved exactly when measured.
            models.CheckConstraint(
                condition=Q(status="not_measured", achieved_cut__isnull=True) & ~Q(reason="")
                | ~Q(status="not_measured") & Q(achieved_cut__isnull=False, reason=""),
                name="verdict_measured_or_why_not",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regime} {self.source.code} {self.substance.code}: {self.status}"

    @property
    def achieved_percent(self) -> float | None:
        return None if self.achieved_cut is None else self.achieved_cut * 100

    @property
    def required_percent(self) -> Decimal:
        return self.required_value * 100


class VerificationQuerySet(PublicQuerySet):
    """Public, as the regime it verifies."""

    region_field = "regime__city__region_id"


class Verification(models.Model):
    """A regime's last verification: when, over which window (a regime changed since is verified again), and
    whether it was the final one (the regime had ended), after which the hourly beat leaves the regime alone."""

    regime = models.OneToOneField(
        Regime, on_delete=models.CASCADE, related_name="verification", verbose_name=_("regime")
    )
    starts_at = models.DateTimeField(_("window start"))
    ends_at = models.DateTimeField(_("window end"))
    final = models.BooleanField(_("final"), default=False)
    verified_at = models.DateTimeField(_("verified"))

    objects = VerificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("regime verification")
        verbose_name_plural = _("regime verifications")

    def __str__(self) -> str:
        return f"{self.regime} ({self.verified_at:%Y-%m-%d %H:%M})"
