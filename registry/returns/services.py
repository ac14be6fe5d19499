"""Every write to a waste return: filing, editing a draft, submitting, deciding, correcting."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from registry.models import Deposit, Enterprise
from registry.returns import tasks
from registry.returns.checks import Issue, ParsedLine, parse_lines, warnings_for
from registry.returns.models import (
    AMOUNT_FIELDS,
    FilingYear,
    ReturnEvent,
    ReturnLine,
    ReturnStatus,
    ReturnVersion,
    WasteReturn,
)
from registry.signals import return_accepted

FIRST_YEAR = 2000


class LinesInvalid(ValidationError):
    """The lines break the checks; `issues` names the line and field of each error."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__([str(issue) for issue in issues])


class WarningsUnconfirmed(ValidationError):
    """Warnings the filer has not yet confirmed with an explanation."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__(
            [_("Confirm this warning with an explanation: %(warning)s") % {"warning": issue} for issue in issues]
        )


def _check_may_file(actor: User, enterprise: Enterprise) -> None:
    if not Enterprise.objects.restrict(actor, "change").filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("You may not file returns for %(enterprise)s.") % {"enterprise": enterprise})


def _check_may_decide(actor: User, waste_return: WasteReturn) -> None:
    may_see = WasteReturn.objects.restrict(actor).filter(pk=waste_return.pk).exists()
    if not (may_see and (actor.is_inspector or actor.is_administrator)):
        raise PermissionDenied(_("Only an inspector of the enterprise's region decides on this return."))


def _check_status(version: ReturnVersion, *allowed: str) -> None:
    if version.status not in allowed:
        raise ValidationError(
            _("Version %(number)s is %(status)s; this needs it to be %(allowed)s.")
            % {
                "number": version.number,
                "status": version.get_status_display(),
                "allowed": " / ".join(str(ReturnStatus(status).label) for status in allowed),
            }
        )


def _locked(version: ReturnVersion) -> ReturnVersion:
    return (
        ReturnVersion.objects.select_for_update(of=("self",))
        .select_related("waste_return__enterprise")
        .get(pk=version.pk)
    )


def _editable_draft(actor: User, version: ReturnVersion) -> ReturnVersion:
    """The version, locked, once the actor may file for its enterprise and it is still a draft."""
    version = _locked(version)
    _check_may_file(actor, version.waste_return.enterprise)
    _check_status(version, ReturnStatus.DRAFT)
    return version


def _parse(enterprise: Enterprise, lines: Iterable[Mapping[str, Any]], first_position: int) -> list[ParsedLine]:
    deposit_ids = set(Deposit.objects.filter(operator=enterprise).values_list("pk", flat=True))
    parsed, issues = parse_lines(lines, deposit_ids=deposit_ids, first_position=first_position)
    if issues:
        raise LinesInvalid(issues)
    return parsed


def _store_lines(version: ReturnVersion, parsed: list[ParsedLine]) -> None:
    ReturnLine.objects.bulk_create(
        [
            ReturnLine(
                version=version,
                position=number,
                waste_code=line.waste_code,
                storage_deposit_id=line.storage_deposit_id,
                hazard_level=line.hazard_level,
                **line.amounts,
            )
            for number, line in enumerate(parsed, start=1)
        ],
        batch_size=2000,
    )


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year < timezone.localdate().year + 1:
        raise ValidationError(
            {"year": _("Returns are filed for a past or the current year, from %(first)s.") % {"first": FIRST_YEAR}}
        )


@transaction.atomic
def return_create(
    *, actor: User, enterprise: Enterprise, year: int, lines: Iterable[Mapping[str, Any]], first_position: int = 1
) -> WasteReturn:
    """A new return with its first version, a draft. Nothing is saved unless every line passes."""
    _check_may_file(actor, enterprise)
    _check_year(year)
    if WasteReturn.objects.filter(enterprise=enterprise, year=year).exists():
        raise ValidationError({"year": _("A return for %(year)s already exists.") % {"year": year}})
    parsed = _parse(enterprise, lines, first_position)
    waste_return = WasteReturn.objects.create(enterprise=enterprise, year=year)
    version = ReturnVersion.objects.create(waste_return=waste_return, number=1, created_by=actor)
    _store_lines(version, parsed)
    waste_return.current = version
    waste_return.save(update_fields=["current"])
    ReturnEvent.objects.create(version=version, kind=ReturnEvent.Kind.CREATED, actor=actor)
    return waste_return


@transaction.atomic
def draft_replace_lines(
    *, actor: User, version: ReturnVersion, lines: Iterable[Mapping[str, Any]], first_position: int = 1
) -> ReturnVersion:
    """Replace all lines of a draft (API and file upload); nothing changes unless every line passes."""
    version = _editable_draft(actor, version)
    parsed = _parse(version.waste_return.enterprise, lines, first_position)
    version.lines.all().delete()
    _store_lines(version, parsed)
    ReturnEvent.objects.create(version=version, kind=ReturnEvent.Kind.EDITED, actor=actor)
    return version


@transaction.atomic
def draft_line_save(
    *, actor: User, version: ReturnVersion, position: int | None, data: Mapping[str, Any]
) -> ReturnLine:
    """Add (position None) or change one line of a draft, checked alone and against the other lines."""
    version = _editable_draft(actor, version)
    existing = version.lines.filter(position=position).first() if position is not None else None
    if position is not None and existing is None:
        raise ValidationError(_("Line %(line)s does not exist.") % {"line": position})
    number = position or (version.lines.aggregate(last=Max("position"))["last"] or 0) + 1
    (line,) = _parse(version.waste_return.enterprise, [data], number)
    if (
        version.lines.exclude(position=number)
        .filter(waste_code=line.waste_code, storage_deposit_id=line.storage_deposit_id)
        .exists()
    ):
        message = _("%(code)s at this storage place is already on another line.") % {"code": line.waste_code.label}
        raise LinesInvalid([Issue(number, "waste_code", message)])
    values = {
        "waste_code": line.waste_code,
        "storage_deposit_id": line.storage_deposit_id,
        "hazard_level": line.hazard_level,
        **line.amounts,
    }
    saved, _created = ReturnLine.objects.update_or_create(version=version, position=number, defaults=values)
    return saved


@transaction.atomic
def draft_line_delete(*, actor: User, version: ReturnVersion, position: int) -> None:
    version = _editable_draft(actor, version)
    version.lines.filter(position=position).delete()


def previous_accepted_lines(waste_return: WasteReturn) -> list[ReturnLine] | None:
    """Last year's accepted lines of the same enterprise, or None when last year was never accepted."""
    previous = (
        WasteReturn.objects.filter(enterprise_id=waste_return.enterprise_id, year=waste_return.year - 1)
        .exclude(accepted=None)
        .values_list("accepted_id", flat=True)
        .first()
    )
    return None if previous is None else list(ReturnLine.objects.filter(version_id=previous))


def current_warnings(version: ReturnVersion) -> list[Issue]:
    """The warnings of a version: as frozen at submission, or as they stand today for a draft."""
    if not version.is_draft:
        return [Issue(**{key: item[key] for key in ("line", "field", "message", "key")}) for item in version.warnings]
    waste_return = version.waste_return
    return warnings_for(
        version.lines.all(),
        previous=previous_accepted_lines(waste_return),
        filing=FilingYear.for_year(waste_return.year),
        submitted_on=timezone.localdate(),
    )


@transaction.atomic
def return_submit(*, actor: User, version: ReturnVersion, confirmations: Mapping[str, str]) -> ReturnVersion:
    version = _editable_draft(actor, version)
    waste_return = version.waste_return
    if not version.lines.exists():
        raise LinesInvalid([Issue(None, "lines", _("A return needs at least one line."))])
    warnings = current_warnings(version)
    unconfirmed = [warning for warning in warnings if not str(confirmations.get(warning.key, "")).strip()]
    if unconfirmed:
        raise WarningsUnconfirmed(unconfirmed)
    now = timezone.now()
    version.status = ReturnStatus.SUBMITTED
    version.submitted_by, version.submitted_at = actor, now
    version.warnings = [warning.as_dict() for warning in warnings]
    version.confirmations = {warning.key: str(confirmations[warning.key]).strip() for warning in warnings}
    version.save(update_fields=["status", "submitted_by", "submitted_at", "warnings", "confirmations"])
    if waste_return.first_submitted_at is None:
        waste_return.first_submitted_at = now
        waste_return.late = any(warning.key == "late" for warning in warnings)
        waste_return.save(update_fields=["first_submitted_at", "late"])
    ReturnEvent.objects.create(version=version, kind=ReturnEvent.Kind.SUBMITTED, actor=actor)
    transaction.on_commit(lambda: tasks.notify_return_event.delay(version.pk, ReturnEvent.Kind.SUBMITTED))
    return version


def _decide(actor: User, version: ReturnVersion, status: str, reasons: str = "") -> ReturnVersion:
    version = _locked(version)
    _check_may_decide(actor, version.waste_return)
    _check_status(version, ReturnStatus.SUBMITTED)
    if version.waste_return.current_id != version.pk:
        raise ValidationError(_("A newer version of this return is being prepared; decide on that one."))
    version.status, version.decided_by, version.decided_at, version.reasons = status, actor, timezone.now(), reasons
    version.save(update_fields=["status", "decided_by", "decided_at", "reasons"])
    return version


@transaction.atomic
def return_accept(*, actor: User, version: ReturnVersion) -> ReturnVersion:
    version = _decide(actor, version, ReturnStatus.ACCEPTED)
    waste_return = version.waste_return
    waste_return.accepted = version
    waste_return.save(update_fields=["accepted"])
    ReturnEvent.objects.create(version=version, kind=ReturnEvent.Kind.ACCEPTED, actor=actor)
    transaction.on_commit(lambda: tasks.notify_return_event.delay(version.pk, ReturnEvent.Kind.ACCEPTED))
    transaction.on_commit(
        lambda: return_accepted.send(
            sender=WasteReturn,
            waste_return_id=waste_return.pk,
            year=waste_return.year,
            region_id=waste_return.enterprise.region_id,
        )
    )
    return version


@transaction.atomic
def return_send_back(*, actor: User, version: ReturnVersion, reasons: str) -> ReturnVersion:
    if not reasons.strip():
        raise ValidationError({"reasons": _("Say why the return goes back to the enterprise.")})
    version = _decide(actor, version, ReturnStatus.RETURNED, reasons.strip())
    ReturnEvent.objects.create(version=version, kind=ReturnEvent.Kind.RETURNED, actor=actor, note=reasons.strip())
    transaction.on_commit(lambda: tasks.notify_return_event.delay(version.pk, ReturnEvent.Kind.RETURNED))
    return version


@transaction.atomic
def return_correct(*, actor: User, waste_return: WasteReturn) -> ReturnVersion:
    """Start a correction: a new draft version, a copy of the newest one, which stays as it was."""
    waste_return = WasteReturn.objects.select_for_update(of=("self",)).select_related("current").get(pk=waste_return.pk)
    _check_may_file(actor, waste_return.enterprise)
    current = waste_return.current
    if current.is_draft:
        raise ValidationError(_("Version %(number)s is still a draft: edit it.") % {"number": current.number})
    version = ReturnVersion.objects.create(waste_return=waste_return, number=current.number + 1, created_by=actor)
    ReturnLine.objects.bulk_create(
        [
            ReturnLine(
                version=version,
                position=line.position,
                waste_code_id=line.waste_code_id,
                storage_deposit_id=line.storage_deposit_id,
                hazard_level=line.hazard_level,
                **{name: getattr(line, name) for name in AMOUNT_FIELDS},
            )
            for line in current.lines.all()
        ]
    )
    waste_return.current = version
    waste_return.save(update_fields=["current"])
    ReturnEvent.objects.create(version=version, kind=ReturnEvent.Kind.CORRECTION, actor=actor)
    return version
