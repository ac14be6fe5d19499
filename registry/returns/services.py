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
from django.utils.translation import gettext_lazy

from portal import outbox
from portal.models import Channel, OutboxMessage, User
from portal.permissions import AnyUser
from registry.models import Deposit, Enterprise
from registry.returns import workflow
from registry.returns.checks import Issue, ParsedLine, ReturnWarning, parse_lines, warnings_for
from registry.returns.models import (
    AMOUNT_FIELDS,
    FilingYear,
    ReturnEvent,
    ReturnLine,
    ReturnVersion,
    WasteReturn,
)
from registry.returns.selectors import outstanding_filers, previous_accepted_lines
from registry.returns.signals import return_accepted, return_sent_back, return_submitted
from registry.returns.workflow import UNCONFIRMED, LinesInvalid, WarningsUnconfirmed

__all__ = ["UNCONFIRMED", "LinesInvalid", "WarningsUnconfirmed"]  # where the pages, the API and tests find them

FIRST_YEAR = 2000


def _copy_lines(current: ReturnVersion, version: ReturnVersion) -> None:
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


# The returns' part of the workflow they share with the release reports (registry.returns.workflow).
FILING = workflow.Filing(
    version_model=ReturnVersion,
    event_model=ReturnEvent,
    parent="waste_return",
    copy_lines=_copy_lines,
    announce=_announce,
    submitted=return_submitted,
    accepted=return_accepted,
    sent_back=return_sent_back,
    outbox="returns",
    message_key="return",
    detail="returns:detail",
    texts={
        "may_not_file": gettext_lazy("You may not file returns for %(enterprise)s."),
        "may_not_decide": gettext_lazy("Only an inspector of the enterprise's region decides on this return."),
        "needs_a_line": gettext_lazy("A return needs at least one line."),
        "superseded": gettext_lazy("A newer version of this return is being prepared; decide on that one."),
        "reasons_required": gettext_lazy("Say why the return goes back to the enterprise."),
    },
)


def _check_may_file(actor: AnyUser, enterprise: Enterprise) -> User:
    return workflow.check_may_file(FILING, actor, enterprise)


def _editable_draft(actor: AnyUser, version: ReturnVersion) -> tuple[ReturnVersion, User]:
    return workflow.editable_draft(FILING, actor, version)


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


@transaction.atomic
def return_submit(*, actor: AnyUser, version: ReturnVersion, confirmations: Mapping[str, str]) -> ReturnVersion:
    return workflow.submit(
        FILING, actor=actor, version=version, confirmations=confirmations, warnings_of=current_warnings,
        has_lines=lambda draft: draft.lines.exists(),
    )  # fmt: skip


@transaction.atomic
def return_accept(*, actor: AnyUser, version: ReturnVersion) -> ReturnVersion:
    return workflow.accept(FILING, actor=actor, version=version)


@transaction.atomic
def return_send_back(*, actor: AnyUser, version: ReturnVersion, reasons: str) -> ReturnVersion:
    return workflow.send_back(FILING, actor=actor, version=version, reasons=reasons)


@transaction.atomic
def return_correct(*, actor: AnyUser, waste_return: WasteReturn) -> ReturnVersion:
    """Start a correction: a new draft version, a copy of the newest one, which stays as it was."""
    return workflow.correct(FILING, actor=actor, parent=waste_return)


def _notify(version: ReturnVersion, event: str) -> None:
    """A message about the return (texts: registry/returns/messages.py), through the outbox."""
    workflow.notify(FILING, version, event)


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
