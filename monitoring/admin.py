"""The admin of monitoring's reference data, for regulator administrators (portal.admin.AdministratorAccess).

Media and their base units are fixed in code (monitoring.models.Medium, BASE_UNIT), so they have no page. Severity
rules are versioned: results name the version that classified them, so a version is shown read-only and a change
is saved as the next version (monitoring.reference.ruleset_new_version). Submissions are shown read-only, and a
failed one is retried with an action (portal.leases).
"""

from datetime import date
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.db import models
from django.db.models import Count, Q, QuerySet, Subquery
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from monitoring import services
from monitoring.models import (
    BASE_UNIT,
    Medium,
    MpcNorm,
    Pollutant,
    SeverityRule,
    SeverityRuleSet,
    SeverityThreshold,
    Submission,
    Unit,
)
from monitoring.reference import (
    RULE_FIELDS,
    RuleFields,
    base_value,
    check_rules,
    current_ruleset,
    hazard_classes_of,
    ruleset_new_version,
    ruleset_rules,
)
from portal.admin_site import AdministratorAccess, ReadOnlyAccess


@admin.register(Pollutant)
class PollutantAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ("code", "name_en", "name_ru", "name_kk", "cas", "hazard_class", "water_special")
    list_filter = ("hazard_class", "water_special")
    search_fields = ("code", "name_en", "name_ru", "name_kk", "cas")

    def save_model(self, request: HttpRequest, obj: models.Model, form: forms.ModelForm, change: bool) -> None:
        assert isinstance(obj, Pollutant)
        super().save_model(request, obj, form, change)
        # Thresholds are resolved per pollutant from its hazard class and group. A new pollutant, or one whose class
        # or group changed, gets them in a new version of the current rules; the versions results name stay as
        # they were.
        if change and not {"hazard_class", "water_special"} & set(form.changed_data):
            return
        current = current_ruleset()
        if current is None:
            return
        note = gettext("The rules of %(version)s, resolved again for pollutant %(pollutant)s.")
        ruleset = ruleset_new_version(
            actor=request.user,
            rules=ruleset_rules(current),
            note=note % {"version": current, "pollutant": obj.code},
        )
        message = gettext("Severity rule set %(version)s gives %(pollutant)s its thresholds; it is now current.")
        self.message_user(request, message % {"version": ruleset, "pollutant": obj.code}, messages.INFO)


@admin.register(Unit)
class UnitAdmin(AdministratorAccess, admin.ModelAdmin):
    """Units are added, not changed: stored results and norms were converted with the factor they were stored with.
    A unit added by mistake is deleted (when nothing uses it) and added again."""

    list_display = ("code", "medium", "factor", "base_unit")
    list_filter = ("medium",)
    search_fields = ("code",)

    @admin.display(description=_("base unit"))
    def base_unit(self, unit: Unit) -> str:
        return BASE_UNIT[Medium(unit.medium)]

    def has_change_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        return False


class MpcNormForm(forms.ModelForm):
    class Meta:
        model = MpcNorm
        fields = ("pollutant", "medium", "averaging", "value", "unit", "legal_basis", "valid_from", "valid_to")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        medium, unit = cleaned.get("medium"), cleaned.get("unit")
        if medium and unit and not Unit.objects.filter(code=unit, medium=medium).exists():
            self.add_error("unit", _("%(unit)s is not a unit of this medium.") % {"unit": unit})
        valid_from, valid_to = cleaned.get("valid_from"), cleaned.get("valid_to")
        if valid_from and valid_to and valid_to <= valid_from:
            self.add_error("valid_to", _("The validity ends after it starts."))
        elif all(cleaned.get(name) for name in ("pollutant", "medium", "averaging")):
            # Evaluation takes the norm valid on the sampling date: two valid at once would make it ambiguous.
            others = MpcNorm.objects.filter(
                pollutant=cleaned["pollutant"], medium=medium, averaging=cleaned["averaging"]
            ).exclude(pk=self.instance.pk)
            if valid_to:
                others = others.filter(Q(valid_from=None) | Q(valid_from__lt=valid_to))
            if valid_from:
                others = others.filter(Q(valid_to=None) | Q(valid_to__gt=valid_from))
            if overlapping := others.first():
                message = _("Another norm of this pollutant, medium and averaging period is valid in part of this "
                            "period: %(norm)s, valid %(start)s to %(end)s.")  # fmt: skip
                start, end = overlapping.valid_from or "...", overlapping.valid_to or "..."
                self.add_error(None, message % {"norm": overlapping, "start": start, "end": end})
        return cleaned


class InForceFilter(admin.SimpleListFilter):
    title = _("in force today")
    parameter_name = "in_force"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", gettext("Yes")), ("no", gettext("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[MpcNorm]) -> QuerySet[MpcNorm]:
        today: date = timezone.localdate()
        # Like evaluation: valid from `valid_from` on, up to but excluding `valid_to`.
        in_force = Q(Q(valid_from=None) | Q(valid_from__lte=today), Q(valid_to=None) | Q(valid_to__gt=today))
        if self.value() == "yes":
            return queryset.filter(in_force)
        if self.value() == "no":
            return queryset.exclude(in_force)
        return queryset


@admin.register(MpcNorm)
class MpcNormAdmin(AdministratorAccess, admin.ModelAdmin):
    form = MpcNormForm
    list_display = ("pollutant", "medium", "averaging", "value", "unit", "valid_from", "valid_to", "legal_basis")
    list_filter = ("pollutant", "medium", "averaging", InForceFilter, "valid_from", "valid_to")
    list_select_related = ("pollutant",)
    search_fields = ("pollutant__code", "pollutant__name_en", "legal_basis")
    autocomplete_fields = ("pollutant",)
    readonly_fields = ("value_base",)

    def save_model(self, request: HttpRequest, obj: models.Model, form: forms.ModelForm, change: bool) -> None:
        assert isinstance(obj, MpcNorm)
        obj.value_base = base_value(obj.value, obj.unit, obj.medium)
        super().save_model(request, obj, form, change)


# Severity rules.


def starting_rules(request: HttpRequest) -> list[RuleFields]:
    """The rules a new version starts from: those of the version in ?from=, else the current version's."""
    given = request.GET.get("from", "")
    # ASCII digits that fit a primary key: isdigit() alone also takes "²", which int() refuses.
    number = given.isascii() and given.isdigit() and len(given) <= 18
    source = SeverityRuleSet.objects.filter(pk=given).first() if number else current_ruleset()
    return ruleset_rules(source) if source else []


def formset_rules(formset: BaseInlineFormSet) -> list[RuleFields]:
    """The rules a valid formset holds: its filled rows (a row is dropped by emptying or removing it; nothing saved
    is ever deleted, so the formset has no deletion box)."""
    return [
        cast(RuleFields, {name: form.cleaned_data[name] for name in RULE_FIELDS})
        for form in formset.forms
        if form.has_changed()
    ]


class RuleForm(forms.ModelForm):
    def clean_hazard_classes(self) -> str:
        hazard_classes_of(self.cleaned_data["hazard_classes"])
        return self.cleaned_data["hazard_classes"]

    def clean(self) -> dict[str, Any]:
        # The model's check constraint, said on the field.
        super().clean()
        cleaned = self.cleaned_data
        high, extreme = cleaned.get("high_multiple"), cleaned.get("extreme_multiple")
        if high is not None and high <= 1:
            self.add_error("high_multiple", _("High pollution starts above the MPC: more than 1."))
        elif high is not None and extreme is not None and extreme < high:
            self.add_error("extreme_multiple", _("Extremely high pollution starts at or above high pollution."))
        return cleaned


class RuleFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if not any(self.errors):
            check_rules(formset_rules(self))


class SeverityRuleInline(AdministratorAccess, admin.TabularInline):
    """The rules of a new version, editable; those of a saved version, read-only."""

    model = SeverityRule
    form = RuleForm
    formset = RuleFormSet
    fields = RULE_FIELDS
    autocomplete_fields = ("pollutant",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[SeverityRule]:
        return super().get_queryset(request).select_related("pollutant")

    def get_extra(self, request: HttpRequest, obj: SeverityRuleSet | None = None, **kwargs: Any) -> int:
        return len(starting_rules(request)) if obj is None else 0

    def has_add_permission(self, request: HttpRequest, obj: SeverityRuleSet | None = None) -> bool:
        return obj is None and self.may_administer(request)

    def has_change_permission(self, request: HttpRequest, obj: SeverityRuleSet | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SeverityRuleSet | None = None) -> bool:
        return False


class SeverityThresholdInline(ReadOnlyAccess, admin.TabularInline):
    """What a version resolves to per pollutant and medium, which evaluation joins: derived, so read-only."""

    model = SeverityThreshold
    fields = ("medium", "pollutant", "high", "extreme")
    readonly_fields = fields
    ordering = ("medium", "pollutant__code")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SeverityThreshold]:
        return super().get_queryset(request).select_related("pollutant")


class NewVersionForm(forms.ModelForm):
    note = forms.CharField(
        label=_("note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What changes and why. Saving creates the next version, which evaluation uses from then on; results "
            "evaluated before keep the version that classified them."
        ),
    )

    class Meta:
        model = SeverityRuleSet
        fields = ("note",)


@admin.register(SeverityRuleSet)
class SeverityRuleSetAdmin(AdministratorAccess, admin.ModelAdmin):
    """A version is never changed (its page is read-only, with a link to edit it as a new version) nor deleted."""

    form = NewVersionForm
    list_display = ("__str__", "is_current", "created_at", "created_by", "note", "rule_count")
    list_select_related = ("created_by",)
    readonly_fields = ("version", "is_current", "created_at", "created_by", "threshold_count")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SeverityRuleSet]:
        newest = SeverityRuleSet.objects.order_by("-version").values("version")[:1]
        return super().get_queryset(request).annotate(rule_count=Count("rules"), newest=Subquery(newest))

    def get_fields(self, request: HttpRequest, obj: SeverityRuleSet | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("note",)
        return ("version", "is_current", "created_at", "created_by", "note", "threshold_count")

    def get_inlines(self, request: HttpRequest, obj: SeverityRuleSet | None) -> list[type[InlineModelAdmin]]:
        return [SeverityRuleInline] if obj is None else [SeverityRuleInline, SeverityThresholdInline]

    def get_formset_kwargs(
        self, request: HttpRequest, obj: SeverityRuleSet, inline: InlineModelAdmin, prefix: str
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if obj.pk is None and request.method == "GET" and isinstance(inline, SeverityRuleInline):
            kwargs["initial"] = starting_rules(request)
        return kwargs

    @admin.display(boolean=True, description=_("current"))
    def is_current(self, ruleset: SeverityRuleSet) -> bool:
        return ruleset.version == ruleset.newest  # type: ignore[attr-defined]

    @admin.display(description=_("rules"), ordering="rule_count")
    def rule_count(self, ruleset: SeverityRuleSet) -> int:
        return ruleset.rule_count  # type: ignore[attr-defined]

    @admin.display(description=_("thresholds (per pollutant and medium)"))
    def threshold_count(self, ruleset: SeverityRuleSet) -> int:
        return ruleset.thresholds.count()

    def has_change_permission(self, request: HttpRequest, obj: SeverityRuleSet | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SeverityRuleSet | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: models.Model, form: forms.ModelForm, change: bool) -> None:
        """Nothing yet: the version is created together with its rules, in save_related."""

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: list[BaseInlineFormSet], change: bool
    ) -> None:
        (rules,) = formsets
        ruleset = ruleset_new_version(actor=request.user, rules=formset_rules(rules), note=form.cleaned_data["note"])
        # The admin's message, history entry and redirect name the form's instance: make it the new version.
        form.instance.pk = ruleset.pk
        form.instance.refresh_from_db()
        rules.new_objects, rules.changed_objects, rules.deleted_objects = list(ruleset.rules.all()), [], []


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAccess, admin.ModelAdmin):
    """Results arrive from enterprises and are read by workers, so a submission is only read here; one that failed
    (its attempts used up, no severity rule set, bad rows) is queued again by the action, attempts from zero."""

    list_display = ("pk", "enterprise", "channel", "received_at", "status", "attempts", "error_message")
    list_filter = ("status", "channel", "error_code")
    list_select_related = ("enterprise",)
    search_fields = ("enterprise__name", "enterprise__bin")
    fields = (
        "enterprise", "submitted_by", "channel", "received_at", "status", "evaluated_at", "file", "rows_total",
        "rows_done", "claimed_at", "lease_until", "attempts", "error_message", "errors",
    )  # fmt: skip
    readonly_fields = fields
    actions = ["retry"]

    @admin.display(description=_("error"))
    def error_message(self, submission: Submission) -> str:
        return submission.error_message

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return self.may_administer(request)

    @admin.action(description=_("Retry the selected failed submissions"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        retried = services.submissions_retry(actor=request.user, submissions=queryset)
        message = ngettext(
            "%(count)s failed submission queued again.", "%(count)s failed submissions queued again.", len(retried)
        )
        self.message_user(request, message % {"count": len(retried)}, messages.SUCCESS)
