"""Every write to a waste return: filing, editing a draft, submitting, deciding, correcting; the messages about
them and the reminders to file."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import outbox, values
from portal.coded import error_item
from portal.models import Channel, OutboxMessage, User
from portal.permissions import Action, AnyUser, require
from registry.models import Deposit, Enterprise
from registry.returns.checks import Issue, ParsedLine, ReturnWarning, parse_lines, warnings_for
from registry.returns.models import (
    AMOUNT_FIELDS,
    FilingYear,
    ReturnEvent,
    ReturnLine,
    ReturnStatus,
    ReturnVersion,
    WasteReturn,
)
from registry.returns.selectors import outstanding_filers, previous_accepted_lines
from registry.returns.signals import return_accepted, return_sent_back, return_submitted

FIRST_YEAR = 2000
UNCONFIRMED = "warning_unconfirmed"  # the code of an error for a warning submitted without an explanation


class LinesInvalid(ValidationError):
    """The lines break the checks; `issues` names the line, field and code of each error."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__([str(issue) for issue in issues])

    def error_items(self) -> list[dict[str, Any]]:
        """As the API answers them (portal.coded.error_item)."""
        return [
            error_item(
                line=issue.line, field=issue.field, code=issue.code, message=issue.message, key=issue.key or None
            )
            for issue in self.issues
        ]


class WarningsUnconfirmed(ValidationError):
    """Warnings the filer has not yet confirmed with an explanation."""

    def __init__(self, issues: list[ReturnWarning]) -> None:
        self.issues = issues
        super().__init__(
            [_("Confirm this warning with an explanation: %(warning)s") % {"warning": issue} for issue in issues]
        )

    def error_items(self) -> list[dict[str, Any]]:
        """As the API answers them (portal.coded.error_item): each with the warning's `key`, which
        `confirmations` names."""
        return [
            error_item(line=issue.line, field=issue.field, code=UNCONFIRMED, message=message, key=issue.key)
            for issue, message in zip(self.issues, self.messages, strict=True)
        ]


def _check_may_file(actor: AnyUser, enterprise: Enterprise) -> User:
    return require(
        actor, Action.FILE, enterprise, _("You may not file returns for %(enterprise)s.") % {"enterprise": enterprise}
    )


def _check_may_decide(actor: AnyUser, waste_return: WasteReturn) -> User:
    return require(
        actor, Action.DECIDE, waste_return, _("Only an inspector of the enterprise's region decides on this return.")
    )


def _check_status(version: ReturnVersion, *allowed: str) -> None:
    if version.status not in allowed:
        raise ValidationError(
            _("Version %(number)s is %(status)s; this needs it to be %(allowed)s.")
            % {
                "number": version.number,
                "status": version.get_status_display(),
                "allowed": " / ".join(str(ReturnStatus(status).label) for status in allowed),
            },
            code="wrong_status",
        )


def _locked(version: ReturnVersion) -> ReturnVersion:
    return (
        ReturnVersion.objects.select_for_update(of=("self",))
        .select_related("waste_return__enterprise")
        .get(pk=version.pk)
    )


def _editable_draft(actor: AnyUser, version: ReturnVersion) -> tuple[ReturnVersion, User]:
    """The version, locked, once the actor may file for its enterprise and it is still a draft; and the actor,
    known then to be a logged-in user."""
    version = _locked(version)
    filer = _check_may_file(actor, version.waste_return.enterprise)
    _check_status(version, ReturnStatus.DRAFT)
    return version, filer


# A storage place may be named in a file by any of its names (registry.models.NamedInLanguages).
DEPOSIT_NAME_FIELDS = ("name", "name_kk", "name_ru", "name_en")


def _parse(enterprise: Enterprise, lines: Iterable[Mapping[str, Any]], first_position: int) -> list[ParsedLine]:
    deposit_ids: set[int] = set()
    deposit_names: dict[str, set[int]] = {}
    for pk, *names in Deposit.objects.filter(operator=enterprise).values_list("pk", *DEPOSIT_NAME_FIELDS):
        deposit_ids.add(pk)
        for name in {name.strip().casefold() for name in names if name and name.strip()}:
            deposit_names.setdefault(name, set()).add(pk)
    parsed, issues = parse_lines(
        lines, deposit_ids=deposit_ids, deposit_names=deposit_names, first_position=first_position
    )
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
        message = _("Returns are filed for a past or the current year, from %(first)s.") % {"first": FIRST_YEAR}
        raise ValidationError({"year": ValidationError(message, code="year_range")})


@transaction.atomic
def return_create(
    *, actor: AnyUser, enterprise: Enterprise, year: int, lines: Iterable[Mapping[str, Any]], first_position: int = 1
) -> WasteReturn:
    """A new return with its first version, a draft. Nothing is saved unless every line passes."""
    filer = _check_may_file(actor, enterprise)
    _check_year(year)
    if WasteReturn.objects.filter(enterprise=enterprise, year=year).exists():
        message = _("A return for %(year)s already exists.") % {"year": year}
        raise ValidationError({"year": ValidationError(message, code="unique")})
    parsed = _parse(enterprise, lines, first_position)
    waste_return = WasteReturn.objects.create(enterprise=enterprise, year=year)
    version = ReturnVersion.objects.create(waste_return=waste_return, number=1, created_by=filer)
    _store_lines(version, parsed)
    waste_return.current = version
    waste_return.save(update_fields=["current"])
    ReturnEvent.objects.create(version=version, kind=ReturnEvent.Kind.CREATED, actor=filer)
    return waste_return


@transaction.atomic
def draft_replace_lines(
    *, actor: AnyUser, version: ReturnVersion, lines: Iterable[Mapping[str, Any]], first_position: int = 1
) -> ReturnVersion:
    """Replace all lines of a draft (API and file upload); nothing changes unless every line passes."""
    version, filer = _editable_draft(actor, version)
    parsed = _parse(version.waste_return.enterprise, lines, first_position)
    version.lines.all().delete()
    _store_lines(version, parsed)
    ReturnEvent.objects.create(version=version, kind=ReturnEvent.Kind.EDITED, actor=filer)
    return version


@transaction.atomic
def draft_line_save(
    *, actor: AnyUser, version: ReturnVersion, position: int | None, data: Mapping[str, Any]
) -> ReturnLine:
    """Add (position None) or change one line of a draft, checked alone and against the other lines."""
    version, _filer = _editable_draft(actor, version)
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
        raise LinesInvalid([Issue(number, "waste_code", "duplicate_line", message)])
    values = {
        "waste_code": line.waste_code,
        "storage_deposit_id": line.storage_deposit_id,
        "hazard_level": line.hazard_level,
        **line.amounts,
    }
    saved, _created = ReturnLine.objects.update_or_create(version=version, position=number, defaults=values)
    return saved


@transaction.atomic
def draft_line_delete(*, actor: AnyUser, version: ReturnVersion, position: int) -> None:
    version, _filer = _editable_draft(actor, version)
    version.lines.filter(position=position).delete()


def current_warnings(version: ReturnVersion) -> list[ReturnWarning]:
    """The warnings of a version: as frozen at submission, or as they stand today for a draft."""
    if not version.is_draft:
        return [ReturnWarning.from_stored(item) for item in version.warnings]
    waste_return = version.waste_return
    return warnings_for(
        version.lines.all(),
        previous=previous_accepted_lines(waste_return),
        filing=FilingYear.for_year(waste_return.year),
        submitted_on=timezone.localdate(),
    )


def _announce(signal: Signal, waste_return: WasteReturn) -> None:
    """Tell whoever listens (the statistics) of a change of the return's state, inside the changing transaction:
    the statistics' dirty mark then commits with the change, so no crash between the two can lose it (their own
    work is enqueued on commit)."""
    signal.send(
        sender=WasteReturn,
        waste_return_id=waste_return.pk,
        year=waste_return.year,
        region_id=waste_return.enterprise.region_id,
    )


@transaction.atomic
def return_submit(*, actor: AnyUser, version: ReturnVersion, confirmations: Mapping[str, str]) -> ReturnVersion:
    version, filer = _editable_draft(actor, version)
    waste_return = version.waste_return
    if not version.lines.exists():
        raise LinesInvalid([Issue(None, "lines", "required", _("A return needs at least one line."))])
    warnings = current_warnings(version)
    unconfirmed = [warning for warning in warnings if not str(confirmations.get(warning.key, "")).strip()]
    if unconfirmed:
        raise WarningsUnconfirmed(unconfirmed)
    _check_explanations(warnings, confirmations)
    now = timezone.now()
    version.status = ReturnStatus.SUBMITTED
    version.submitted_by, version.submitted_at = filer, now
    version.warnings = [warning.stored() for warning in warnings]
    version.confirmations = {warning.key: str(confirmations[warning.key]).strip() for warning in warnings}
    version.save(update_fields=["status", "submitted_by", "submitted_at", "warnings", "confirmations"])
    if waste_return.first_submitted_at is None:
        waste_return.first_submitted_at = now
        waste_return.late = any(warning.key == "late" for warning in warnings)
        waste_return.save(update_fields=["first_submitted_at", "late"])
    ReturnEvent.objects.create(version=version, kind=ReturnEvent.Kind.SUBMITTED, actor=filer)
    _notify(version, ReturnEvent.Kind.SUBMITTED)
    _announce(return_submitted, waste_return)
    return version


def _check_explanations(warnings: list[ReturnWarning], confirmations: Mapping[str, str]) -> None:
    """The filer's explanations are stored as written (the pages send them unparsed): text without control
    characters, each error naming the warning's line and field."""
    issues = []
    for warning in warnings:
        try:
            values.text(confirmations[warning.key])
        except ValidationError as exc:
            issues.append(Issue(warning.line, warning.field, exc.code or "invalid", values.message(exc), warning.key))
    if issues:
        raise LinesInvalid(issues)


def _decide(actor: AnyUser, version: ReturnVersion, status: str, reasons: str = "") -> tuple[ReturnVersion, User]:
    """The version, decided; and the actor, known then to be a logged-in user."""
    version = _locked(version)
    decider = _check_may_decide(actor, version.waste_return)
    _check_status(version, ReturnStatus.SUBMITTED)
    if version.waste_return.current_id != version.pk:
        message = _("A newer version of this return is being prepared; decide on that one.")
        raise ValidationError(message, code="superseded")
    version.status, version.decided_by, version.decided_at, version.reasons = status, decider, timezone.now(), reasons
    version.save(update_fields=["status", "decided_by", "decided_at", "reasons"])
    return version, decider


@transaction.atomic
def return_accept(*, actor: AnyUser, version: ReturnVersion) -> ReturnVersion:
    version, decider = _decide(actor, version, ReturnStatus.ACCEPTED)
    waste_return = version.waste_return
    waste_return.accepted = version
    waste_return.save(update_fields=["accepted"])
    ReturnEvent.objects.create(version=version, kind=ReturnEvent.Kind.ACCEPTED, actor=decider)
    _notify(version, ReturnEvent.Kind.ACCEPTED)
    _announce(return_accepted, waste_return)
    return version


@transaction.atomic
def return_send_back(*, actor: AnyUser, version: ReturnVersion, reasons: str) -> ReturnVersion:
    if not reasons.strip():
        raise ValidationError(
            {"reasons": ValidationError(_("Say why the return goes back to the enterprise."), "required")}
        )
    try:
        values.text(reasons)
    except ValidationError as exc:
        raise ValidationError({"reasons": ValidationError(values.message(exc), code=exc.code)}) from None
    version, decider = _decide(actor, version, ReturnStatus.RETURNED, reasons.strip())
    ReturnEvent.objects.create(version=version, kind=ReturnEvent.Kind.RETURNED, actor=decider, note=reasons.strip())
    _notify(version, ReturnEvent.Kind.RETURNED)
    _announce(return_sent_back, version.waste_return)
    return version


@transaction.atomic
def return_correct(*, actor: AnyUser, waste_return: WasteReturn) -> ReturnVersion:
    """Start a correction: a new draft version, a copy of the newest one, which stays as it was."""
    waste_return = WasteReturn.objects.select_for_update(of=("self",)).select_related("current").get(pk=waste_return.pk)
    filer = _check_may_file(actor, waste_return.enterprise)
    current = waste_return.current
    assert current is not None  # set when the return is created, with its first version
    if current.is_draft:
        message = _("Version %(number)s is still a draft: edit it.") % {"number": current.number}
        raise ValidationError(message, code="wrong_status")
    version = ReturnVersion.objects.create(waste_return=waste_return, number=current.number + 1, created_by=filer)
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
    ReturnEvent.objects.create(version=version, kind=ReturnEvent.Kind.CORRECTION, actor=filer)
    return version


# Messages about returns, through the outbox (their texts: registry/returns/messages.py): the inspectors of the
# region hear of a submission, the enterprise's staff of a decision. Stored with the event, in its transaction.


def _notify(version: ReturnVersion, event: str) -> None:
    waste_return = version.waste_return
    enterprise = waste_return.enterprise
    if event == ReturnEvent.Kind.SUBMITTED:
        users = User.objects.filter(inspector_assignments__region_id=enterprise.region_id, is_active=True)
    else:
        users = User.objects.filter(memberships__enterprise=enterprise, is_active=True)
    outbox.post(
        key=f"return:{version.pk}:{event}",
        code=f"returns.{event}",
        # The enterprise by its id, named when the message is shown (messages.py), in the reader's language.
        params={
            "enterprise_id": enterprise.pk,
            "year": waste_return.year,
            "number": version.number,
            "reasons": version.reasons,
        },
        link=reverse("returns:detail", args=[waste_return.pk]),
        recipients=users.order_by("pk"),
    )


# Reminders to file: the overdue reminder is sent in this many days after the deadline (so a beat stopped for a
# while still sends it), never later.
OVERDUE_WINDOW = datetime.timedelta(days=30)


def reminder_kind(deadline: datetime.date, today: datetime.date) -> str | None:
    """Which reminder is due `today` for a return due on `deadline`: "due-N" from N days before it (N one of
    RETURNS_REMINDER_DAYS, the nearest that has begun), "overdue" in the OVERDUE_WINDOW after it, else none."""
    if deadline < today <= deadline + OVERDUE_WINDOW:
        return "overdue"
    begun = [days for days in settings.RETURNS_REMINDER_DAYS if deadline - datetime.timedelta(days=days) <= today]
    return f"due-{min(begun)}" if today <= deadline and begun else None


def _reminded(key: str) -> set[int]:
    """The enterprises already reminded under `key` ("reminder:<year>:<kind>", then ":<enterprise>:<user>")."""
    keys = OutboxMessage.objects.filter(channel=Channel.EMAIL, dedupe_key__startswith=f"{key}:")
    return {int(dedupe_key.split(":")[3]) for dedupe_key in keys.values_list("dedupe_key", flat=True)}


@transaction.atomic
def filing_reminders_create(*, today: datetime.date | None = None) -> int:
    """Remind the staff of every enterprise whose return is outstanding (selectors.outstanding_filers) before
    and after the deadline of the year (FilingYear.for_year): once per enterprise, year and kind of reminder,
    however often this runs (a member who joins later is not reminded again). Returns how many enterprises
    were reminded now."""
    today = today or timezone.localdate()
    reminded = 0
    # The years whose deadline can be near: by default 1 April of the next year, moved by FilingYear rows.
    for year in range(today.year - 2, today.year + 1):
        deadline = FilingYear.for_year(year).deadline
        kind = reminder_kind(deadline, today)
        if kind is None:
            continue
        key = f"reminder:{year}:{kind}"
        enterprises = list(outstanding_filers(year).exclude(pk__in=_reminded(key)).prefetch_related("members"))
        begun = dict(
            WasteReturn.objects.filter(year=year, enterprise__in=enterprises).values_list("enterprise_id", "pk")
        )
        for enterprise in enterprises:
            staff = [user for user in enterprise.members.all() if user.is_active and user.email]
            if not staff:
                continue
            link = reverse("returns:detail", args=[begun[enterprise.pk]]) if enterprise.pk in begun else ""
            outbox.post(
                key=f"{key}:{enterprise.pk}",
                code="returns.reminder",
                params={
                    "enterprise_id": enterprise.pk,  # named when shown, in the reader's language
                    "year": year,
                    "deadline": deadline.isoformat(),
                    "overdue": kind == "overdue",
                },
                link=link or reverse("returns:new"),
                recipients=staff,
            )
            reminded += 1
    return reminded
