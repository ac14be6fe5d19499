"""Every write to the registry goes through these functions.

Each checks the actor's right through `restrict` and validates the whole object (model validators and
clean(), the same rules the forms show). The change log records every save itself (portal.audit).
"""

import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.permissions import Action, AnyUser, can, require
from portal.uploads import Table
from registry import region_history
from registry.geo import Outline
from registry.models import (
    Deposit,
    DepositComponent,
    DepositRegionPeriod,
    DepositSurvey,
    Enterprise,
    EnterpriseRegionPeriod,
    Region,
    RegionSplit,
)

# Deposit fields that hold the latest survey's state: they change through surveys only.
STATE_FIELDS = ("state_year", *DepositSurvey.STATE_FIELDS)


def _check_may_change(actor: AnyUser, instance: Enterprise | Deposit) -> None:
    require(actor, Action.CHANGE, instance, _("You may not change %(object)s.") % {"object": instance})


def _check_may_operate(actor: AnyUser, operator: Enterprise) -> None:
    require(
        actor,
        Action.CHANGE,
        operator,
        _("You may not register deposits for %(enterprise)s.") % {"enterprise": operator},
    )


def _check_publishing(actor: AnyUser, fields: dict[str, Any], current: bool = False) -> None:
    if fields.get("is_published", current) != current and not can(actor, Action.PUBLISH):
        raise ValidationError({"is_published": _("Only regulator administrators publish or withdraw deposits.")})


def _apply(instance: Any, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


@transaction.atomic
def enterprise_create(*, actor: AnyUser, fields: dict[str, Any]) -> Enterprise:
    require(actor, Action.ADMINISTER, message=_("Only regulator administrators register enterprises."))
    enterprise = Enterprise(**fields)
    enterprise.full_clean()
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_update(*, actor: AnyUser, enterprise: Enterprise, fields: dict[str, Any]) -> Enterprise:
    _check_may_change(actor, enterprise)
    # Compared with the stored row: a ModelForm has already put the new values on `enterprise`.
    stored = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    # The BIN and the region decide who regulates the enterprise: only administrators change them.
    if not can(actor, Action.ADMINISTER, enterprise):
        if "bin" in fields and fields["bin"] != stored.bin:
            raise ValidationError({"bin": _("Only regulator administrators change a BIN.")})
        if "region" in fields and fields["region"] != stored.region:
            raise ValidationError({"region": _("Only regulator administrators change an enterprise's region.")})
    _apply(enterprise, fields)
    enterprise.full_clean()
    enterprise.save()
    return enterprise


@transaction.atomic
def deposit_create(*, actor: AnyUser, fields: dict[str, Any], survey_fields: dict[str, Any] | None = None) -> Deposit:
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
    return deposit


@transaction.atomic
def deposit_update(*, actor: AnyUser, deposit: Deposit, fields: dict[str, Any]) -> Deposit:
    _check_may_change(actor, deposit)
    # Compared with the stored row: a ModelForm has already put the new values on `deposit`.
    stored = Deposit.objects.select_for_update().get(pk=deposit.pk)
    state_changes = sorted(name for name in STATE_FIELDS if name in fields and fields[name] != getattr(stored, name))
    if state_changes:
        raise ValidationError(
            {
                name: _("The surveyed state changes by adding a survey, not by editing the deposit.")
                for name in state_changes
            }
        )
    if "operator" in fields and fields["operator"] != stored.operator:
        _check_may_operate(actor, fields["operator"])
    _check_publishing(actor, fields, current=stored.is_published)
    _apply(deposit, fields)
    deposit.full_clean()
    deposit.save()
    return deposit


@transaction.atomic
def survey_add(*, actor: AnyUser, deposit: Deposit, fields: dict[str, Any]) -> DepositSurvey:
    """Add a dated survey; the newest survey is the deposit's current state.

    A newer survey that leaves the area or a height out keeps the last known value of it.
    """
    _check_may_change(actor, deposit)
    deposit = Deposit.objects.select_for_update().get(pk=deposit.pk)
    survey = DepositSurvey(deposit=deposit, **fields)
    survey.full_clean()
    survey.save()
    if survey.year >= deposit.state_year:
        deposit.state_year = survey.year
        measured = {name: getattr(survey, name) for name in DepositSurvey.STATE_FIELDS}
        _apply(deposit, {name: value for name, value in measured.items() if value is not None})
        deposit.save(update_fields=STATE_FIELDS)
    return survey


@transaction.atomic
def component_add(*, actor: AnyUser, deposit: Deposit, fields: dict[str, Any]) -> DepositComponent:
    _check_may_change(actor, deposit)
    component = DepositComponent(deposit=deposit, **fields)
    component.full_clean()
    component.save()
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
def surveys_import(*, actor: AnyUser, deposit: Deposit, table: Table) -> list[DepositSurvey]:
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


# Regions over time (registry.region_history does the work).


@transaction.atomic
def region_split(
    *, actor: AnyUser, parent: Region, region: Region, date: datetime.date, outline: Outline | None = None
) -> region_history.SplitOutcome:
    """Record that `region` was formed out of `parent` on `date` and move the enterprises and deposits it concerns;
    those no outline places are left awaiting an administrator (region_period_decide)."""
    require(actor, Action.ADMINISTER, message=_("Only regulator administrators apply region splits."))
    split = RegionSplit(parent=parent, region=region, date=date)
    split.full_clean()
    split.save()
    return region_history.apply_split(split, outline=outline)


@transaction.atomic
def region_period_decide(
    *, actor: AnyUser, period: EnterpriseRegionPeriod | DepositRegionPeriod, move: bool
) -> EnterpriseRegionPeriod | DepositRegionPeriod:
    """An administrator's decision on a period awaiting a split: the owner moves to the new region from the split's
    date (`move`), or stays where it is."""
    require(actor, Action.ADMINISTER, message=_("Only regulator administrators assign regions."))
    period = (
        type(period).objects.select_for_update(of=("self",)).select_related("awaiting_split__region").get(pk=period.pk)
    )
    split = period.awaiting_split
    if split is None:
        raise ValidationError(_("This region assignment awaits no decision."))
    if move:
        region_history.paint(period.owner, region=split.region, start=split.date, end=period.valid_to)
    else:
        period.awaiting_split = None
        period.save(update_fields=["awaiting_split"])
    return period
