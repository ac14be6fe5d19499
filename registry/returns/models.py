"""Annual waste returns: the classifier of waste codes and the returns enterprises file against it.

A return (enterprise, year) has numbered versions. A version is edited only while it is a draft;
once submitted it is never changed again, and a correction is a new version copied from it.

The tables keep the names they had while returns were part of the registry app (`Meta.db_table`).
"""

import datetime
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.audit import AuditedModel, AuditedQuerySet
from portal.permissions import PublicQuerySet
from registry.models import Deposit, Enterprise, EnterpriseScopedQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_CODE_DIGITS = re.compile(r"[0-9]")  # ASCII only: \d would match other scripts' digits too


class WasteCodeQuerySet(AuditedQuerySet, PublicQuerySet):  # type: ignore[override]
    """The classifier is public; administrators maintain it."""


class WasteCode(AuditedModel):
    """An entry of the national waste classifier (Order No. 314 of 6 August 2021), built like the EU List of Waste."""

    code = models.CharField(_("code"), max_length=8, unique=True, help_text=_("Six digits in pairs: “10 06 01”."))
    hazardous = models.BooleanField(_("hazardous (*)"))
    chapter = models.CharField(_("chapter"), max_length=2)
    name_en = models.TextField(_("name (English)"))
    name_ru = models.TextField(_("name (Russian)"), blank=True)
    name_kk = models.TextField(_("name (Kazakh)"), blank=True)
    mirror = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("mirror entry")
    )

    objects = WasteCodeQuerySet.as_manager()

    class Meta:
        db_table = "registry_wastecode"
        ordering = ["code"]
        verbose_name = _("waste code")
        verbose_name_plural = _("waste codes")
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^\d\d \d\d \d\d$"), name="wastecode_format")]

    def __str__(self) -> str:
        return f"{self.label} {self.name}"

    @property
    def label(self) -> str:
        return f"{self.code}*" if self.hazardous else self.code

    @property
    def name(self) -> str:
        language = (get_language() or "ru")[:2]
        return {"kk": self.name_kk, "ru": self.name_ru}.get(language) or self.name_en

    @staticmethod
    def normalise(raw: str) -> str | None:
        """“100601”, “10 06 01”, “10 06 01*” all name the same entry; None if it has not six digits."""
        digits = "".join(_CODE_DIGITS.findall(raw or ""))
        if len(digits) != 6 or len(raw.replace("*", "").replace(" ", "")) != 6:
            return None
        return f"{digits[:2]} {digits[2:4]} {digits[4:]}"


class FilingYearQuerySet(AuditedQuerySet, PublicQuerySet):  # type: ignore[override]
    pass


class FilingYear(AuditedModel):
    """Per reporting year: the filing deadline and how large a change against last year earns a warning."""

    year = models.PositiveSmallIntegerField(_("reporting year"), unique=True)
    deadline = models.DateField(_("filing deadline"))
    change_factor = models.DecimalField(
        _("change factor"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("3"),
        validators=[MinValueValidator(1)],
        help_text=_("Warn when an amount grows or shrinks by more than this factor against last year."),
    )

    objects = FilingYearQuerySet.as_manager()

    class Meta:
        db_table = "registry_filingyear"
        ordering = ["-year"]
        verbose_name = _("filing year")
        verbose_name_plural = _("filing years")
        constraints = [models.CheckConstraint(condition=Q(change_factor__gte=1), name="filingyear_factor_at_least_1")]

    def __str__(self) -> str:
        return str(self.year)

    @classmethod
    def for_year(cls, year: int) -> "FilingYear":
        """The year's settings, or the defaults (deadline 1 April of the next year) when none are stored."""
        stored = cls.objects.filter(year=year).first()
        if stored:
            return stored
        return cls(
            year=year, deadline=cls.default_deadline(year), change_factor=Decimal(settings.RETURNS_CHANGE_FACTOR)
        )

    @staticmethod
    def default_deadline(year: int) -> datetime.date:
        month, day = settings.RETURNS_DEFAULT_DEADLINE
        return datetime.date(year + 1, month, day)


class HazardLevel(models.TextChoices):
    """Basel/OECD levels used by national statistics for hazardous waste."""

    RED = "red", _("red")
    AMBER = "amber", _("amber")
    GREEN = "green", _("green")


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned for correction")


class WasteReturnQuerySet(EnterpriseScopedQuerySet):
    """Staff see and file their enterprises' returns; inspectors see and decide those of their regions.
    The public sees no return: accepted figures reach it through the statistics."""


class FilingReport(models.Model):
    """What every filing holds besides its versions (a waste return, a release report): its year, and when it was
    first submitted and whether late. Each names its enterprise and its newest and newest accepted versions itself,
    as keys to its own version model."""

    year = models.PositiveSmallIntegerField(_("reporting year"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    late = models.BooleanField(_("filed after the deadline"), default=False)
    enterprise: Enterprise

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.enterprise} — {self.year}"


class WasteReturn(FilingReport):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="waste_returns", verbose_name=_("enterprise")
    )
    # The newest version, and the newest accepted one (the figures that count for statistics).
    current = models.ForeignKey("ReturnVersion", on_delete=models.PROTECT, null=True, related_name="+")
    accepted = models.ForeignKey("ReturnVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = WasteReturnQuerySet.as_manager()

    class Meta:
        db_table = "registry_wastereturn"
        ordering = ["-year", "enterprise__name"]
        verbose_name = _("waste return")
        verbose_name_plural = _("waste returns")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="return_one_per_enterprise_year")]

    @property
    def current_version(self) -> "ReturnVersion":
        """`current`, which every return has: `current` is empty only inside `services.return_create`, between
        saving the return and its first version."""
        assert self.current is not None
        return self.current


def warning_subject(key: str) -> str:
    """What a warning's key ("opening:1", "change:2:generated", "late") is about, as the reader says it."""
    kind, _colon, rest = key.partition(":")
    position, _colon, name = rest.partition(":")
    if kind == "late":
        return str(capfirst(WasteReturn._meta.get_field("late").verbose_name))
    field = {"opening": "opening", "change": name}.get(kind)
    if field in AMOUNT_FIELDS and position.isdecimal():
        label = getattr(ReturnLine._meta.get_field(field), "verbose_name", field)
        return _("Line %(line)s, %(field)s") % {"line": position, "field": label}
    return key


def _explanations(value: object) -> str:
    """The filer's explanations in a change record: each by the warning it explains."""
    if not isinstance(value, dict):
        return str(value)
    return "; ".join(f"{warning_subject(str(key))}: {text}" for key, text in value.items())


class FilingVersion(AuditedModel):
    """What every version of a filing holds (a waste return's, a release report's): its number and status, who
    created, submitted and decided it and when, the inspector's reasons, and, frozen at submission, the warnings and
    the filer's explanations of them."""

    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reasons = models.TextField(_("the inspector's reasons"), blank=True)
    # Frozen at submission: [{"key", "line", "field", "code", "params"}] (registry.returns.checks.ReturnWarning) and
    # {key: the filer's explanation}.
    warnings = models.JSONField(default=list, blank=True)
    confirmations = models.JSONField(_("the filer's explanations"), default=dict, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_draft(self) -> bool:
        return self.status == ReturnStatus.DRAFT


class ReturnVersion(FilingVersion):
    """A version's workflow is audited: its status, who submitted and decided it, the reasons and the filer's
    explanations. The warnings are what the checks said at submission, kept on the version, not a change."""

    audit_parent = "waste_return"
    audit_exclude = ("warnings",)
    audit_formats = {"confirmations": _explanations}
    audit_enterprise = "waste_return__enterprise_id"
    audit_region = "waste_return__enterprise__region_id"

    waste_return = models.ForeignKey(
        WasteReturn, on_delete=models.CASCADE, related_name="versions", verbose_name=_("waste return")
    )

    class Meta:
        db_table = "registry_returnversion"
        ordering = ["waste_return", "number"]
        verbose_name = _("return version")
        constraints = [
            models.UniqueConstraint(fields=["waste_return", "number"], name="returnversion_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "accepted", "returned"]),
                name="returnversion_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.waste_return} v{self.number}"


AMOUNT_FIELDS = ("opening", "generated", "received", "recycled", "disposed", "transferred", "closing")


def _amount(verbose_name: "StrOrPromise") -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=3, default=Decimal(0))


class ReturnLine(models.Model):
    """One waste code at one storage place, in tonnes."""

    version = models.ForeignKey(ReturnVersion, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("line"))
    waste_code = models.ForeignKey(WasteCode, on_delete=models.PROTECT, related_name="+", verbose_name=_("waste code"))
    storage_deposit = models.ForeignKey(
        Deposit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("storage place")
    )
    hazard_level = models.CharField(_("hazard level"), max_length=5, choices=HazardLevel.choices, blank=True)
    opening = _amount(_("opening balance, t"))
    generated = _amount(_("generated, t"))
    received = _amount(_("received, t"))
    recycled = _amount(_("recycled or recovered, t"))
    disposed = _amount(_("disposed, t"))
    transferred = _amount(_("transferred, t"))
    closing = _amount(_("closing balance, t"))

    class Meta:
        db_table = "registry_returnline"
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="returnline_position_unique"),
            models.UniqueConstraint(
                fields=["version", "waste_code", "storage_deposit"],
                condition=Q(storage_deposit__isnull=False),
                name="returnline_code_place_unique",
            ),
            models.UniqueConstraint(
                fields=["version", "waste_code"],
                condition=Q(storage_deposit__isnull=True),
                name="returnline_code_unique_without_place",
            ),
            models.CheckConstraint(
                condition=Q(*[Q(**{f"{name}__gte": 0}) for name in AMOUNT_FIELDS]),
                name="returnline_amounts_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} line {self.position}"

    @property
    def amounts(self) -> tuple[Decimal, ...]:
        return tuple(getattr(self, name) for name in AMOUNT_FIELDS)

    @property
    def key(self) -> tuple[int, int | None]:
        """What identifies a line across versions and years: waste code and storage place."""
        return (self.waste_code_id, self.storage_deposit_id)


class ReturnEvent(models.Model):
    """Who did what to a return, and when: the workflow's history."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        EDITED = "edited", _("edited")
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned for correction")
        CORRECTION = "correction", _("correction started")

    version = models.ForeignKey(ReturnVersion, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    time = models.DateTimeField(_("time"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        db_table = "registry_returnevent"
        ordering = ["time", "id"]

    def __str__(self) -> str:
        return f"{self.version} {self.kind}"
