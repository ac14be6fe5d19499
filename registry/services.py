"""Every write to the registry goes through these functions.

Each checks the actor's right through `restrict` and validates the whole object (model validators and
clean(), the same rules the forms show). The change log records every save itself (portal.audit).
"""

import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal import values
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
from registry.outlines import Located, locate

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


# A deposit's region follows from its location (registry.outlines): it decides who regulates the deposit, so the
# filer neither chooses it nor moves the deposit out of it; administrators set it where the outlines cannot decide.


def _locate(deposit: Deposit) -> Located | None:
    if deposit.latitude is None or deposit.longitude is None:
        return None
    return locate(latitude=float(deposit.latitude), longitude=float(deposit.longitude))


def _derived_region(located: Located | None, operator: Enterprise) -> Region:
    """The operator's region when the location may lie in it (the outlines cannot tell a parent from the regions
    split off it, the operator's region is set by administrators), else the region of the outline it lies in; the
    operator's region where the outlines say nothing."""
    if located is None or located.allows(operator.region):
        return operator.region
    return located.likely


def _region_names(regions: frozenset[Region]) -> str:
    return ", ".join(sorted(str(region) for region in regions))


def _checked_region(actor: AnyUser, *, given: Region | None, derived: Region) -> Region:
    """The derived region, or the one an administrator gives: the outlines are generalised boundaries of before
    2022, evidence rather than law, so an administrator's choice stands (and is recorded in the history)."""
    if given is None or given == derived:
        return derived
    if not can(actor, Action.ADMINISTER):
        raise ValidationError(
            {
                "region": _(
                    "A deposit's region follows from its location (here %(region)s): only regulator administrators "
                    "set another."
                )
                % {"region": derived}
            }
        )
    return given


def _await_decision(deposit: Deposit, located: Located | None) -> None:
    """A region derived as a parent whose split-off regions the location may also lie in awaits an administrator's
    decision, as a split leaves such deposits (the admin's "awaiting assignment" list)."""
    if located is None:
        return
    for split in RegionSplit.objects.filter(parent=deposit.region, region__in=located.possible).select_related(
        "parent", "region"
    ):
        region_history.await_split_decision(deposit, split)


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
    deposit = Deposit(**{name: value for name, value in fields.items() if name != "region"})
    located = _locate(deposit)
    derived = _derived_region(located, operator)
    deposit.region = _checked_region(actor, given=fields.get("region"), derived=derived)
    deposit.full_clean()
    deposit.save()
    DepositSurvey.objects.create(
        deposit=deposit,
        year=deposit.state_year,
        **{name: getattr(deposit, name) for name in DepositSurvey.STATE_FIELDS},
        **(survey_fields or {}),
    )
    if deposit.region == derived:
        _await_decision(deposit, located)
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
    # None: an administrator left the region to the location (the form's empty choice).
    requested = fields.get("region", stored.region)
    administers = can(actor, Action.ADMINISTER, deposit)
    if requested != stored.region and not administers:
        raise ValidationError(
            {"region": _("A deposit's region follows from its location: only regulator administrators change it.")}
        )
    _apply(deposit, {name: value for name, value in fields.items() if name != "region"})
    moved = (deposit.latitude, deposit.longitude) != (stored.latitude, stored.longitude)
    located = _locate(deposit) if requested is None or (moved and requested == stored.region) else None
    deposit.region = requested or stored.region
    if requested is None:
        deposit.region = _derived_region(located, deposit.operator)
    elif located is not None and not located.allows(stored.region):
        if not administers:
            message = _(
                "This location lies in %(regions)s, outside %(region)s, the deposit's region: only regulator "
                "administrators move a deposit to another region."
            ) % {"regions": _region_names(located.possible), "region": stored.region}
            raise ValidationError({"latitude": message, "longitude": message})
        deposit.region = _derived_region(located, deposit.operator)
    deposit.full_clean()
    deposit.save()
    if deposit.region != requested:
        _await_decision(deposit, located)
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


def _survey_cells(row: dict[str, str]) -> dict[str, Any]:
    """A file row's values as portal.values reads them (the model's own fields read other scripts' digits and
    the like); raises a ValidationError naming each field that fails."""
    cells: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name in SURVEY_COLUMNS:
        raw = row.get(name) or None
        try:
            if raw is None:
                cells[name] = None
            elif name == "year":
                cells[name] = values.integer(raw)
            elif name == "source":
                cells[name] = values.text(raw, max_length=values.text_column(DepositSurvey, name))
            else:
                cells[name] = values.number(raw, **values.decimal_column(DepositSurvey, name))
        except ValidationError as exc:
            problems[name] = values.message(exc)
    if problems:
        raise ValidationError(problems)
    return cells


@transaction.atomic
def surveys_import(*, actor: AnyUser, deposit: Deposit, table: Table) -> list[DepositSurvey]:
    """Add every survey of a file, or none: all row errors are reported together."""
    _check_may_change(actor, deposit)
    errors: list[str] = [] if table.rows else [_("The file has no survey rows.")]
    rows: list[dict[str, Any]] = []
    first_row_of_year: dict[int, int] = {}
    for number, row in table.rows:
        try:
            cells = _survey_cells(row)
            survey = DepositSurvey(deposit=deposit, **{**cells, "source": cells["source"] or ""})
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
