"""Every write of the regimes: declaring, changing and ending a regime, a new version of a degree's required cut, and
an enterprise's regime plan (one source and degree at a time, or rows of a file).

An inspector of the city's region or an administrator (`Action.DECLARE_REGIMES` on the city) declares, changes and
ends regimes; administrators add required cuts; an enterprise's staff (`Action.CHANGE` on the enterprise) file its
plans. Every save is recorded in the history (portal.audit) in the caller's transaction. Declaring a regime stores,
in the same transaction, one message to the staff of every enterprise with a source in the city (portal.outbox,
deduplicated per regime and enterprise) and sends `signals.regime_declared`.
"""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.regimes.models import DEGREES, City, Regime, RegimePlan, RequiredCut
from monitoring.regimes.models.regimes import CUT_DIGITS, CUT_PLACES
from monitoring.regimes.selectors import enterprises_in, required_cut_in_force
from monitoring.regimes.signals import regime_declared
from portal import outbox, values
from portal.models import Channel, User
from portal.permissions import Action, AnyUser, require
from registry.models import Enterprise
from registry.permits.checks import RowIssue, RowsInvalid
from registry.permits.models import EmissionSource, SourceMedium

REGIME_FIELDS = ("degree", "starts_at", "ends_at", "bulletin")
PERCENT = Decimal(100)


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _check_may_declare(actor: AnyUser, city: City | None) -> User:
    if city is None:
        raise _error("city", _("Choose one of the cities of the register."), "unknown_city")
    return require(
        actor, Action.DECLARE_REGIMES, city,
        _("Only an inspector of %(region)s declares regimes over %(city)s.") % {"region": city.region, "city": city},
    )  # fmt: skip


def _regime_errors(fields: Mapping[str, Any]) -> dict[str, list[ValidationError]]:
    """Everything wrong with a regime's fields, by field (all of them, so that a form shows every one)."""
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if fields.get("degree") not in DEGREES:
        add("degree", _("The degree is 1, 2 or 3."), "invalid_choice")
    moments = {}
    for name in ("starts_at", "ends_at"):
        value = fields.get(name)
        if not isinstance(value, datetime.datetime):
            add(name, _("Give a date and time."), "required")
        elif timezone.is_naive(value):
            add(name, _("Give the time with its time zone."), "naive")
        else:
            try:
                # Regimes are announced ahead, so a time to come is allowed.
                values.check_moment(value, future=True)
            except ValidationError as exc:
                add(name, values.message(exc), exc.code or "invalid")
            else:
                moments[name] = value
    if len(moments) == 2 and moments["ends_at"] <= moments["starts_at"]:
        add("ends_at", _("A regime ends after it starts."), "ends_before_start")
    bulletin = fields.get("bulletin")
    if not isinstance(bulletin, str) or not bulletin.strip():
        add("bulletin", _("Name the bulletin the regime follows."), "required")
    else:
        try:
            values.text(bulletin, max_length=values.text_column(Regime, "bulletin"))
        except ValidationError as exc:
            add("bulletin", values.message(exc), exc.code or "invalid")
    return errors


def _save_regime(regime: Regime, fields: Mapping[str, Any]) -> Regime:
    unknown = set(fields) - set(REGIME_FIELDS)
    assert not unknown, unknown  # the forms and serializers give only these
    merged = {name: fields.get(name, getattr(regime, name)) for name in REGIME_FIELDS}
    errors = _regime_errors(merged)
    if errors:
        raise ValidationError(errors)
    for name, value in merged.items():
        setattr(regime, name, value.strip() if name == "bulletin" else value)
    regime.full_clean()
    regime.save()
    return regime


def _notify_enterprises(regime: Regime) -> int:
    """One message (e-mail and on the site) to the staff of each enterprise with a source in the city; the dedupe key
    names the regime and the enterprise, so that storing them again stores nothing. Returns how many enterprises."""
    enterprises = list(enterprises_in(regime.city).values_list("pk", flat=True))
    link = reverse("regimes:detail", args=[regime.pk])
    for enterprise_id in enterprises:
        outbox.post(
            key=f"regime:{regime.pk}:enterprise:{enterprise_id}",
            code="regimes.declared",
            # Codes and parameters: the city and the enterprise by id, times in ISO 8601, written when shown.
            params={
                "regime_id": regime.pk,
                "city_id": regime.city_id,
                "enterprise_id": enterprise_id,
                "degree": regime.degree,
                "starts_at": regime.starts_at.isoformat(),
                "ends_at": regime.ends_at.isoformat(),
            },
            link=link,
            recipients=User.objects.filter(memberships__enterprise_id=enterprise_id, is_active=True).order_by("pk"),
            channels=(Channel.EMAIL, Channel.IN_APP),
        )
    return len(enterprises)


@transaction.atomic
def regime_declare(*, actor: AnyUser, city: City | None, fields: Mapping[str, Any]) -> Regime:
    """A new regime over `city` (`fields`: degree, starts_at, ends_at, bulletin). The enterprises with a source in the
    city are told at once (outbox, in this transaction) and `regime_declared` is sent."""
    declarer = _check_may_declare(actor, city)
    assert city is not None
    regime = _save_regime(Regime(city=city, declared_by=declarer), fields)
    _notify_enterprises(regime)
    regime_declared.send(sender=Regime, regime=regime)
    return regime


def _locked(regime: Regime) -> Regime:
    return Regime.objects.select_for_update(of=("self",)).select_related("city", "city__region").get(pk=regime.pk)


@transaction.atomic
def regime_change(*, actor: AnyUser, regime: Regime, fields: Mapping[str, Any]) -> Regime:
    """Correct a regime's degree, window or bulletin (a new bulletin, a typing error); its city stays."""
    regime = _locked(regime)
    _check_may_declare(actor, regime.city)
    return _save_regime(regime, fields)


@transaction.atomic
def regime_end(*, actor: AnyUser, regime: Regime, at: datetime.datetime | None = None) -> Regime:
    """End a running or coming regime early, at `at` (now by default): the service lifted it before its end."""
    regime = _locked(regime)
    _check_may_declare(actor, regime.city)
    at = at or timezone.now()
    if regime.ends_at <= timezone.now():
        raise _error("ends_at", _("The regime has already ended."), "ended")
    if at >= regime.ends_at:
        raise _error("ends_at", _("The regime already ends by then."), "not_earlier")
    return _save_regime(regime, {"ends_at": at})


@transaction.atomic
def required_cut_set(
    *, actor: AnyUser, degree: int, cut: Decimal, valid_from: datetime.date, note: str = ""
) -> RequiredCut:
    """A new version of a degree's required cut (a fraction), in force from `valid_from`; the versions before stay
    as they were, for the verdicts and plans that recorded them."""
    setter = require(actor, Action.ADMINISTER, message=_("Only regulator administrators set the required cuts."))
    errors: dict[str, list[ValidationError]] = {}
    if degree not in DEGREES:
        errors["degree"] = [ValidationError(_("The degree is 1, 2 or 3."), code="invalid_choice")]
    cut_errors = _cut_errors(cut)
    if cut_errors:
        errors["cut"] = cut_errors
    if errors:
        raise ValidationError(errors)
    version = RequiredCut(degree=degree, cut=cut, valid_from=valid_from, note=note, set_by=setter)
    version.full_clean()
    version.save()
    return version


# Plans: per source and degree, the enterprise's own sources to air.


def _cut_errors(cut: Any) -> list[ValidationError]:
    """A cut is a fraction above 0 and at most 1 (100 %), with at most CUT_PLACES decimals."""
    try:
        value = values.number(cut, max_digits=CUT_DIGITS + 4, decimal_places=CUT_PLACES)
    except ValidationError as exc:
        return [ValidationError(values.message(exc), code=exc.code)]
    if value > 1:
        return [ValidationError(_("A cut is at most 100 %."), code="max_value")]
    if value <= 0:
        return [ValidationError(_("A cut is more than 0 %."), code="min_value")]
    return []


def _check_may_plan(actor: AnyUser, enterprise: Enterprise) -> User:
    return require(
        actor, Action.CHANGE, enterprise,
        _("You may not file the regime plans of %(enterprise)s.") % {"enterprise": enterprise},
    )  # fmt: skip


def _source_issue(source: EmissionSource, enterprise: Enterprise) -> tuple[str, str] | None:
    if source.enterprise_id != enterprise.pk:
        return "foreign_source", _("The source is not one of the enterprise's own.")
    if source.medium != SourceMedium.AIR:
        return "not_air", _("A regime plan cuts emissions to air: this source is a water outlet.")
    return None


def _store_plan(filer: User, source: EmissionSource, degree: int, cut: Decimal) -> RegimePlan:
    required = required_cut_in_force(degree=degree)
    plan = RegimePlan.objects.select_for_update().filter(source=source, degree=degree).first()
    plan = plan or RegimePlan(source=source, degree=degree, enterprise_id=source.enterprise_id)
    plan.planned_cut, plan.required_cut, plan.short = cut, required, cut < required.cut
    plan.filed_at, plan.filed_by = timezone.now(), filer
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_save(*, actor: AnyUser, source: EmissionSource, degree: int, planned_cut: Decimal) -> RegimePlan:
    """File (or file again) the cut planned at `source` under `degree`, a fraction; flagged `short` when below the
    degree's cut in force now."""
    filer = _check_may_plan(actor, source.enterprise)
    errors: dict[str, list[ValidationError]] = {}
    issue = _source_issue(source, source.enterprise)
    if issue:
        errors["source"] = [ValidationError(issue[1], code=issue[0])]
    if degree not in DEGREES:
        errors["degree"] = [ValidationError(_("The degree is 1, 2 or 3."), code="invalid_choice")]
    cut_errors = _cut_errors(planned_cut)
    if cut_errors:
        errors["planned_cut"] = cut_errors
    if errors:
        raise ValidationError(errors)
    return _store_plan(filer, source, degree, Decimal(planned_cut))


@transaction.atomic
def plan_delete(*, actor: AnyUser, plan: RegimePlan) -> None:
    _check_may_plan(actor, plan.enterprise)
    RegimePlan.objects.filter(pk=plan.pk).delete()


def _plan_row(
    row: int, raw: Mapping[str, Any], enterprise: Enterprise, sources: dict[str, EmissionSource]
) -> tuple[list[RowIssue], tuple[EmissionSource, int, Decimal] | None]:
    issues: list[RowIssue] = []
    code = str(raw.get("source") or "").strip()
    source = sources.get(code)
    if source is None:
        message = _("“%(value)s” is not one of the enterprise's sources.") % {"value": values.shown(code)}
        issues.append(RowIssue(row, "source", "unknown_source", message))
    elif issue := _source_issue(source, enterprise):
        issues.append(RowIssue(row, "source", *issue))
    try:
        degree = values.integer(raw.get("degree"), minimum=1, maximum=3)
    except ValidationError as exc:
        issues.append(RowIssue(row, "degree", exc.code or "invalid", values.message(exc)))
    try:
        # A file gives the cut in percent, as people write it: two decimals of a percent are the fraction's four.
        percent = values.number(raw.get("planned_cut_percent"), max_digits=CUT_DIGITS + 2, decimal_places=2)
    except ValidationError as exc:
        issues.append(RowIssue(row, "planned_cut_percent", exc.code or "invalid", values.message(exc)))
    else:
        for error in _cut_errors(percent / PERCENT):
            issues.append(RowIssue(row, "planned_cut_percent", error.code or "invalid", values.message(error)))
    if issues:
        return issues, None
    assert source is not None
    return [], (source, degree, percent / PERCENT)


@transaction.atomic
def plans_import(
    *, actor: AnyUser, enterprise: Enterprise, rows: Iterable[tuple[int, Mapping[str, Any]]]
) -> list[RegimePlan]:
    """A file's plans (columns source, degree, planned_cut_percent), each filed as `plan_save` files one. `rows` are
    (row number, cells). Nothing is saved unless every row passes (RowsInvalid names each row and field)."""
    filer = _check_may_plan(actor, enterprise)
    sources = {source.code: source for source in EmissionSource.objects.filter(enterprise=enterprise)}
    issues: list[RowIssue] = []
    parsed: list[tuple[EmissionSource, int, Decimal]] = []
    first: dict[tuple[int, int], int] = {}
    for row, raw in rows:
        row_issues, plan = _plan_row(row, raw, enterprise, sources)
        issues += row_issues
        if plan is None:
            continue
        key = (plan[0].pk, plan[1])
        if key in first:
            message = _("the source's plan for this degree is already in row %(first)s.") % {"first": first[key]}
            issues.append(RowIssue(row, "source", "duplicate_row", message))
            continue
        first[key] = row
        parsed.append(plan)
    if not parsed and not issues:
        issues = [RowIssue(None, "file", "empty", _("The file has no rows of plans."))]
    if issues:
        raise RowsInvalid(issues)
    return [_store_plan(filer, source, degree, cut) for source, degree, cut in parsed]
