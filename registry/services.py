"""Every write to the registry goes through these functions.

Each checks the actor's right through `restrict`, validates the whole object (model validators and
clean(), the same rules the forms show) and records the change in the change log.
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import ChangeRecord, User
from portal.services import changelog_record, snapshot
from portal.uploads import Table
from registry.models import Deposit, DepositComponent, DepositSurvey, Enterprise

# Deposit fields that hold the latest survey's state: they change through surveys only.
STATE_FIELDS = ("state_year", *DepositSurvey.STATE_FIELDS)


def _check_may_change(actor: User, instance: Enterprise | Deposit) -> None:
    if not type(instance).objects.restrict(actor, "change").filter(pk=instance.pk).exists():
        raise PermissionDenied(_("You may not change %(object)s.") % {"object": instance})


def _check_may_operate(actor: User, operator: Enterprise) -> None:
    if not Enterprise.objects.restrict(actor, "change").filter(pk=operator.pk).exists():
        raise PermissionDenied(_("You may not register deposits for %(enterprise)s.") % {"enterprise": operator})


def _check_publishing(actor: User, fields: dict[str, Any], current: bool = False) -> None:
    if fields.get("is_published", current) != current and not actor.is_administrator:
        raise ValidationError({"is_published": _("Only regulator administrators publish or withdraw deposits.")})


def _apply(instance: Any, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


@transaction.atomic
def enterprise_create(*, actor: User, fields: dict[str, Any]) -> Enterprise:
    if not actor.is_administrator:
        raise PermissionDenied(_("Only regulator administrators register enterprises."))
    enterprise = Enterprise(**fields)
    enterprise.full_clean()
    enterprise.save()
    changelog_record(actor=actor, instance=enterprise, kind=ChangeRecord.Kind.CREATE)
    return enterprise


@transaction.atomic
def enterprise_update(*, actor: User, enterprise: Enterprise, fields: dict[str, Any]) -> Enterprise:
    _check_may_change(actor, enterprise)
    if "bin" in fields and fields["bin"] != enterprise.bin and not actor.is_administrator:
        raise ValidationError({"bin": _("Only regulator administrators change a BIN.")})
    before = snapshot(enterprise)
    _apply(enterprise, fields)
    enterprise.full_clean()
    enterprise.save()
    changelog_record(actor=actor, instance=enterprise, kind=ChangeRecord.Kind.UPDATE, before=before)
    return enterprise


@transaction.atomic
def deposit_create(*, actor: User, fields: dict[str, Any], survey_fields: dict[str, Any] | None = None) -> Deposit:
    """Register a deposit with its current surveyed state, which becomes its first survey.

    `survey_fields` adds what the deposit itself does not hold to that survey (source, annual_t).
    """
    operator = fields.get("operator")
    if operator is None:
        raise ValidationError({"operator": _("This field is required.")})
    _check_may_operate(actor, operator)
    _check_publishing(actor, fields)
    deposit = Deposit(**fields)
    deposit.full_clean()
    deposit.save()
    DepositSurvey.objects.create(
        deposit=deposit,
        year=deposit.state_year,
        **{name: getattr(deposit, name) for name in DepositSurvey.STATE_FIELDS},
        **(survey_fields or {}),
    )
    changelog_record(actor=actor, instance=deposit, kind=ChangeRecord.Kind.CREATE)
    return deposit


@transaction.atomic
def deposit_update(*, actor: User, deposit: Deposit, fields: dict[str, Any]) -> Deposit:
    _check_may_change(actor, deposit)
    state_changes = sorted(name for name in STATE_FIELDS if name in fields and fields[name] != getattr(deposit, name))
    if state_changes:
        raise ValidationError(
            {
                name: _("The surveyed state changes by adding a survey, not by editing the deposit.")
                for name in state_changes
            }
        )
    if "operator" in fields and fields["operator"] != deposit.operator:
        _check_may_operate(actor, fields["operator"])
    _check_publishing(actor, fields, current=deposit.is_published)
    before = snapshot(deposit)
    _apply(deposit, fields)
    deposit.full_clean()
    deposit.save()
    changelog_record(actor=actor, instance=deposit, kind=ChangeRecord.Kind.UPDATE, before=before)
    return deposit


@transaction.atomic
def survey_add(*, actor: User, deposit: Deposit, fields: dict[str, Any]) -> DepositSurvey:
    """Add a dated survey; the newest survey is the deposit's current state.

    A newer survey that leaves the area or a height out keeps the last known value of it.
    """
    _check_may_change(actor, deposit)
    deposit = Deposit.objects.select_for_update().get(pk=deposit.pk)
    survey = DepositSurvey(deposit=deposit, **fields)
    survey.full_clean()
    survey.save()
    before = snapshot(deposit)
    before[f"survey {survey.year}"] = None
    after = snapshot(deposit)
    if survey.year >= deposit.state_year:
        deposit.state_year = survey.year
        measured = {name: getattr(survey, name) for name in DepositSurvey.STATE_FIELDS}
        _apply(deposit, {name: value for name, value in measured.items() if value is not None})
        deposit.save(update_fields=STATE_FIELDS)
        after = snapshot(deposit)
    after[f"survey {survey.year}"] = snapshot(survey)
    changelog_record(actor=actor, instance=deposit, kind=ChangeRecord.Kind.UPDATE, before=before, after=after)
    return survey


@transaction.atomic
def component_add(*, actor: User, deposit: Deposit, fields: dict[str, Any]) -> DepositComponent:
    _check_may_change(actor, deposit)
    component = DepositComponent(deposit=deposit, **fields)
    component.full_clean()
    component.save()
    changelog_record(
        actor=actor,
        instance=deposit,
        kind=ChangeRecord.Kind.UPDATE,
        before={f"composition {component.component}": None},
        after={f"composition {component.component}": snapshot(component)},
    )
    return component


SURVEY_COLUMNS = ["year", "tonnage_t", "annual_t", "area_ha", "max_height_m", "mean_height_m", "source"]


def _row_errors(number: int, exc: ValidationError) -> list[str]:
    return [
        _("Row %(row)s: %(message)s") % {"row": number, "message": message}
        if field == NON_FIELD_ERRORS
        else _("Row %(row)s, %(field)s: %(message)s") % {"row": number, "field": field, "message": message}
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


@transaction.atomic
def surveys_import(*, actor: User, deposit: Deposit, table: Table) -> list[DepositSurvey]:
    """Add every survey of a file, or none: all row errors are reported together."""
    _check_may_change(actor, deposit)
    errors: list[str] = [] if table.rows else [_("The file has no survey rows.")]
    rows: list[dict[str, Any]] = []
    first_row_of_year: dict[int, int] = {}
    for number, row in table.rows:
        values = {name: row.get(name) or None for name in SURVEY_COLUMNS}
        survey = DepositSurvey(deposit=deposit, **{**values, "source": values["source"] or ""})
        try:
            survey.full_clean()
        except ValidationError as exc:
            errors.extend(_row_errors(number, exc))
            continue
        if survey.year in first_row_of_year:
            errors.append(
                _("Row %(row)s, year: %(year)s is already in row %(first)s.")
                % {"row": number, "year": survey.year, "first": first_row_of_year[survey.year]}
            )
            continue
        first_row_of_year[survey.year] = number
        rows.append({name: getattr(survey, name) for name in SURVEY_COLUMNS})
    if errors:
        raise ValidationError(errors)
    return [survey_add(actor=actor, deposit=deposit, fields=fields) for fields in rows]
