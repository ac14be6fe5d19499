"""Where enterprises and deposits were over time: dated region periods and the region splits that move them
(`registry.region_history` keeps these)."""

import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import AuditedModel, AuditedQuerySet
from portal.permissions import PublicQuerySet
from registry.models.core import Deposit, Enterprise, PublishedOrScopedQuerySet, Region

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class RegionSplitQuerySet(AuditedQuerySet, PublicQuerySet):  # type: ignore[override]
    region_field = "region_id"


class RegionSplit(AuditedModel):
    """A region formed out of another on a date (Abai out of East Kazakhstan on 8 June 2022). Recorded once, when
    it is applied: registry.region_history.apply_split moves the enterprises and deposits it concerns."""

    audit_parent = "region"

    parent = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="splits_off", verbose_name=_("split off from")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("new region"))
    date = models.DateField(_("date of the split"), help_text=_("The first day of the new region."))

    objects = RegionSplitQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "region__iso_code"]
        verbose_name = _("region split")
        verbose_name_plural = _("region splits")
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                name="region_split_one_per_region",
                violation_error_message=_("A split forming this region is already recorded."),
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("region")), name="region_split_parent_differs"),
        ]

    def __str__(self) -> str:
        return f"{self.region} ← {self.parent} ({self.date:%Y-%m-%d})"

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.parent_id is not None and self.parent_id == self.region_id:
            errors["region"] = _("A region cannot split off from itself.")
        if self.date is not None and self.date > timezone.localdate():
            errors["date"] = _("Apply a split on or after its date.")
        region = self.region if self.region_id is not None else None
        if self.date is not None and region is not None and region.valid_from != self.date:
            errors["date"] = _(
                "The new region's “valid from” (%(valid_from)s) must be the date of the split: set it first."
            ) % {"valid_from": region.valid_from or "—"}
        parent = self.parent if self.parent_id is not None else None
        if (
            self.date is not None
            and parent is not None
            and (
                (parent.valid_from is not None and parent.valid_from >= self.date)
                or (parent.valid_to is not None and parent.valid_to < self.date)
            )
        ):
            errors["parent"] = _("This region did not exist on both sides of the date.")
        if errors:
            raise ValidationError(errors)


class RegionPeriodFilters(models.QuerySet[Any]):
    def covering(self, day: datetime.date) -> Self:
        """The period of each owner that holds `day`."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def awaiting(self) -> Self:
        return self.filter(awaiting_split__isnull=False)


class EnterpriseRegionPeriodQuerySet(AuditedQuerySet, RegionPeriodFilters, PublicQuerySet):  # type: ignore[override]
    """An enterprise's region over time is as public as the enterprise."""

    enterprise_field = "enterprise_id"
    region_field = "region_id"


class DepositRegionPeriodQuerySet(AuditedQuerySet, RegionPeriodFilters, PublishedOrScopedQuerySet):  # type: ignore[override]
    """A deposit's region over time is seen by whoever sees the deposit."""

    enterprise_field = "deposit__operator_id"
    region_field = "deposit__region_id"

    def public(self) -> Q:
        return Q(deposit__is_published=True)


class RegionPeriod(AuditedModel):
    """An enterprise's or a deposit's region from `valid_from` to `valid_to`, both days included; None is open.

    An owner's periods cover all time without gaps or overlaps: the first is open at the start, the last at the end.
    `awaiting_split`: a split was applied that may have moved the owner out of this region, and no outline could
    tell; an administrator decides (registry.services.region_period_decide). Until then it stays in this region.
    """

    owner_field: ClassVar[str]

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    valid_from = models.DateField(_("from"), null=True, blank=True, help_text=_("Empty: from the beginning."))
    valid_to = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty: to this day and on."))
    awaiting_split = models.ForeignKey(
        RegionSplit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("awaiting assignment after"),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        start = f"{self.valid_from:%Y-%m-%d}" if self.valid_from else "…"
        end = f"{self.valid_to:%Y-%m-%d}" if self.valid_to else "…"
        return f"{getattr(self, self.owner_field)}: {self.region.iso_code} {start} to {end}"

    @property
    def owner(self) -> "Enterprise | Deposit":
        return getattr(self, self.owner_field)


def _period_constraints(prefix: str, owner: str) -> list[models.BaseConstraint]:
    # Overlaps are refused by the PostgreSQL exclusion constraint `<prefix>_no_overlap` (migration 0006) and, on
    # any database, by registry.region_history, which writes every period under a lock of the owner's periods.
    return [
        models.CheckConstraint(
            condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
            name=f"{prefix}_ordered",
        ),
        models.UniqueConstraint(fields=[owner, "valid_from"], name=f"{prefix}_one_start"),
        models.UniqueConstraint(fields=[owner], condition=Q(valid_from__isnull=True), name=f"{prefix}_one_first"),
        models.UniqueConstraint(fields=[owner], condition=Q(valid_to__isnull=True), name=f"{prefix}_one_open"),
    ]


class EnterpriseRegionPeriod(RegionPeriod):
    audit_parent = "enterprise"
    audit_enterprise = "enterprise_id"
    owner_field = "enterprise"

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="region_periods", verbose_name=_("enterprise")
    )

    objects = EnterpriseRegionPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", F("valid_from").asc(nulls_first=True)]
        verbose_name = _("region of an enterprise")
        verbose_name_plural = _("regions of enterprises over time")
        constraints = _period_constraints("enterprise_region_period", "enterprise")


class DepositRegionPeriod(RegionPeriod):
    audit_parent = "deposit"
    audit_enterprise = "deposit__operator_id"
    owner_field = "deposit"

    deposit = models.ForeignKey(
        Deposit, on_delete=models.CASCADE, related_name="region_periods", verbose_name=_("deposit")
    )

    objects = DepositRegionPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["deposit", F("valid_from").asc(nulls_first=True)]
        verbose_name = _("region of a deposit")
        verbose_name_plural = _("regions of deposits over time")
        constraints = _period_constraints("deposit_region_period", "deposit")
