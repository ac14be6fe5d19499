"""The workflow shared by the filings an enterprise makes once a year in versions (annual waste returns, release
reports of registry.releases): a draft is edited by the enterprise's staff, submitted with every warning explained,
accepted or sent back with reasons by an inspector of its region, and corrected in a new version copied from the
newest. Each filing states what differs (`Filing`): its models, how a version's lines are copied, its signals and
its texts; the steps are written once here, each in the caller's transaction."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import outbox, values
from portal.coded import error_item
from portal.models import User
from portal.permissions import Action, AnyUser, require
from registry.models import Enterprise
from registry.returns.checks import Issue, ReturnWarning
from registry.returns.models import ReturnEvent, ReturnStatus

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


@dataclass(frozen=True)
class Filing:
    """What differs between two kinds of filing. `parent` is the name of a version's foreign key to its filing
    (which has `enterprise`, `year`, `current`, `accepted`, `first_submitted_at` and `late`); `copy_lines(old,
    new)` copies a version's lines into a new draft; `announce(signal, filing)` tells the layers above of a change;
    `outbox` names the messages (`<outbox>.<event>`, texts registered by the filing's messages module),
    `message_key` their dedupe keys (`<message_key>:<version>:<event>`), and `detail` the URL name of the filing's
    page. `texts` holds what the filer and the inspector read: `may_not_file` (with %(enterprise)s),
    `may_not_decide`, `needs_a_line`, `superseded`, `reasons_required`."""

    version_model: type[models.Model]
    event_model: type[models.Model]
    parent: str
    copy_lines: Callable[[Any, Any], None]
    announce: Callable[[Signal, Any], None]
    submitted: Signal
    accepted: Signal
    sent_back: Signal
    outbox: str
    message_key: str
    detail: str
    texts: Mapping[str, Any]


def check_may_file(filing: Filing, actor: AnyUser, enterprise: Enterprise) -> User:
    return require(actor, Action.FILE, enterprise, filing.texts["may_not_file"] % {"enterprise": enterprise})


def check_status(version: Any, *allowed: str) -> None:
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


def locked(filing: Filing, version: Any) -> Any:
    return (
        filing.version_model._default_manager.select_for_update(of=("self",))
        .select_related(f"{filing.parent}__enterprise")
        .get(pk=version.pk)
    )


def editable_draft(filing: Filing, actor: AnyUser, version: Any) -> tuple[Any, User]:
    """The version, locked, once the actor may file for its enterprise and it is still a draft; and the actor,
    known then to be a logged-in user."""
    version = locked(filing, version)
    filer = check_may_file(filing, actor, getattr(version, filing.parent).enterprise)
    check_status(version, ReturnStatus.DRAFT)
    return version, filer


def event(filing: Filing, version: Any, kind: str, actor: User, note: str = "") -> None:
    filing.event_model._default_manager.create(version=version, kind=kind, actor=actor, note=note)


def check_explanations(warnings: list[ReturnWarning], confirmations: Mapping[str, str]) -> None:
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


def submit(
    filing: Filing, *, actor: AnyUser, version: Any, confirmations: Mapping[str, str],
    warnings_of: Callable[[Any], list[ReturnWarning]], has_lines: Callable[[Any], bool],
) -> Any:  # fmt: skip
    """Submit a draft: it has lines (`has_lines`), and each of its warnings (`warnings_of`) is explained; the
    warnings and explanations are frozen on the version, and the filing is late if its first submission is."""
    version, filer = editable_draft(filing, actor, version)
    parent = getattr(version, filing.parent)
    if not has_lines(version):
        raise LinesInvalid([Issue(None, "lines", "required", str(filing.texts["needs_a_line"]))])
    warnings = warnings_of(version)
    unconfirmed = [warning for warning in warnings if not str(confirmations.get(warning.key, "")).strip()]
    if unconfirmed:
        raise WarningsUnconfirmed(unconfirmed)
    check_explanations(warnings, confirmations)
    now = timezone.now()
    version.status = ReturnStatus.SUBMITTED
    version.submitted_by, version.submitted_at = filer, now
    version.warnings = [warning.stored() for warning in warnings]
    version.confirmations = {warning.key: str(confirmations[warning.key]).strip() for warning in warnings}
    version.save(update_fields=["status", "submitted_by", "submitted_at", "warnings", "confirmations"])
    if parent.first_submitted_at is None:
        parent.first_submitted_at = now
        parent.late = any(warning.key == "late" for warning in warnings)
        parent.save(update_fields=["first_submitted_at", "late"])
    event(filing, version, ReturnEvent.Kind.SUBMITTED, filer)
    notify(filing, version, ReturnEvent.Kind.SUBMITTED)
    filing.announce(filing.submitted, parent)
    return version


def _decide(filing: Filing, actor: AnyUser, version: Any, status: str, reasons: str = "") -> tuple[Any, User]:
    """The version, decided; and the actor, known then to be a logged-in user."""
    version = locked(filing, version)
    parent = getattr(version, filing.parent)
    decider = require(actor, Action.DECIDE, parent, str(filing.texts["may_not_decide"]))
    check_status(version, ReturnStatus.SUBMITTED)
    if parent.current_id != version.pk:
        raise ValidationError(str(filing.texts["superseded"]), code="superseded")
    version.status, version.decided_by, version.decided_at, version.reasons = status, decider, timezone.now(), reasons
    version.save(update_fields=["status", "decided_by", "decided_at", "reasons"])
    return version, decider


def accept(filing: Filing, *, actor: AnyUser, version: Any) -> Any:
    version, decider = _decide(filing, actor, version, ReturnStatus.ACCEPTED)
    parent = getattr(version, filing.parent)
    parent.accepted = version
    parent.save(update_fields=["accepted"])
    event(filing, version, ReturnEvent.Kind.ACCEPTED, decider)
    notify(filing, version, ReturnEvent.Kind.ACCEPTED)
    filing.announce(filing.accepted, parent)
    return version


def send_back(filing: Filing, *, actor: AnyUser, version: Any, reasons: str) -> Any:
    if not reasons.strip():
        raise ValidationError({"reasons": ValidationError(str(filing.texts["reasons_required"]), "required")})
    try:
        values.text(reasons)
    except ValidationError as exc:
        raise ValidationError({"reasons": ValidationError(values.message(exc), code=exc.code)}) from None
    version, decider = _decide(filing, actor, version, ReturnStatus.RETURNED, reasons.strip())
    event(filing, version, ReturnEvent.Kind.RETURNED, decider, reasons.strip())
    notify(filing, version, ReturnEvent.Kind.RETURNED)
    filing.announce(filing.sent_back, getattr(version, filing.parent))
    return version


def correct(filing: Filing, *, actor: AnyUser, parent: Any) -> Any:
    """Start a correction: a new draft version, a copy of the newest one, which stays as it was."""
    parent = type(parent)._default_manager.select_for_update(of=("self",)).select_related("current").get(pk=parent.pk)
    filer = check_may_file(filing, actor, parent.enterprise)
    current = parent.current
    assert current is not None  # set when the filing is created, with its first version
    if current.is_draft:
        message = _("Version %(number)s is still a draft: edit it.") % {"number": current.number}
        raise ValidationError(message, code="wrong_status")
    version = filing.version_model._default_manager.create(
        **{filing.parent: parent}, number=current.number + 1, created_by=filer
    )
    filing.copy_lines(current, version)
    parent.current = version
    parent.save(update_fields=["current"])
    event(filing, version, ReturnEvent.Kind.CORRECTION, filer)
    return version


# Messages through the outbox: the inspectors of the region hear of a submission, the enterprise's staff of a
# decision. Stored with the event, in its transaction.


def notify(filing: Filing, version: Any, kind: str) -> None:
    parent = getattr(version, filing.parent)
    enterprise = parent.enterprise
    if kind == ReturnEvent.Kind.SUBMITTED:
        users = User.objects.filter(inspector_assignments__region_id=enterprise.region_id, is_active=True)
    else:
        users = User.objects.filter(memberships__enterprise=enterprise, is_active=True)
    outbox.post(
        key=f"{filing.message_key}:{version.pk}:{kind}",
        code=f"{filing.outbox}.{kind}",
        # The enterprise by its id, named when the message is shown, in the reader's language.
        params={"enterprise_id": enterprise.pk, "year": parent.year, "number": version.number,
                "reasons": version.reasons},
        link=reverse(filing.detail, args=[parent.pk]),
        recipients=users.order_by("pk"),
    )  # fmt: skip
