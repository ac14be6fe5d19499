"""Every write to a release report: filing, editing a draft's releases and transfers, submitting, deciding,
correcting. The workflow is the returns' (registry.returns.workflow); what is the reports' own is here: their
lines, their checks and warnings (registry.releases.checks), their signals (registry.releases.signals)."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import values
from portal.permissions import AnyUser
from registry.models import Enterprise
from registry.releases.checks import (
    ParsedRelease,
    ParsedTransfer,
    ReleaseIssue,
    ReleaseWarning,
    parse_releases,
    parse_transfers,
    warnings_for,
)
from registry.releases.models import (
    ReleaseEvent,
    ReleaseLine,
    ReleaseReport,
    ReleaseVersion,
    ReleaseYear,
    TransferLine,
)
from registry.releases.selectors import previous_accepted_releases
from registry.releases.signals import release_accepted, release_sent_back, release_submitted
from registry.returns import workflow
from registry.returns.checks import ReturnWarning
from registry.returns.models import ReturnEvent
from registry.returns.workflow import LinesInvalid, WarningsUnconfirmed

__all__ = ["LinesInvalid", "WarningsUnconfirmed"]  # the errors the pages and the API answer

FIRST_YEAR = 2000
RELEASE_FIELDS = ("medium", "substance", "source", "kg_per_year", "method", "note")
TRANSFER_COPIED = (
    "direction",
    "waste_code_id",
    "hazardous",
    "operation",
    "counterpart_bin",
    "counterpart_id",
    "tonnes",
)


def _copy_lines(current: ReleaseVersion, version: ReleaseVersion) -> None:
    ReleaseLine.objects.bulk_create(
        ReleaseLine(version=version, position=line.position, medium=line.medium, substance_id=line.substance_id,
                    source_id=line.source_id, kg_per_year=line.kg_per_year, method=line.method, note=line.note)
        for line in current.lines.all()
    )  # fmt: skip
    TransferLine.objects.bulk_create(
        TransferLine(version=version, position=line.position, **{name: getattr(line, name) for name in TRANSFER_COPIED})
        for line in current.transfers.all()
    )


def _announce(signal: Signal, report: ReleaseReport) -> None:
    """Tell whoever listens (compliance, the public register's aggregates and caches) inside the changing
    transaction, as the returns do: their rows commit with the change."""
    signal.send(sender=ReleaseReport, report=report)


FILING = workflow.Filing(
    version_model=ReleaseVersion,
    event_model=ReleaseEvent,
    parent="report",
    copy_lines=_copy_lines,
    announce=_announce,
    submitted=release_submitted,
    accepted=release_accepted,
    sent_back=release_sent_back,
    outbox="releases",
    message_key="release",
    detail="releases:detail",
    texts={
        "may_not_file": gettext_lazy("You may not file release reports for %(enterprise)s."),
        "may_not_decide": gettext_lazy("Only an inspector of the enterprise's region decides on this report."),
        "needs_a_line": gettext_lazy("A report needs at least one release or transfer."),
        "superseded": gettext_lazy("A newer version of this report is being prepared; decide on that one."),
        "reasons_required": gettext_lazy("Say why the report goes back to the enterprise."),
    },
)


def _check_year(year: int) -> None:
    try:
        values.check_year(year, earliest=FIRST_YEAR)
    except ValidationError as exc:
        raise ValidationError({"year": ValidationError(values.message(exc), code="year_range")}) from None


def _parsed_releases(enterprise: Enterprise, lines: Iterable[Mapping[str, Any]], first: int) -> list[ParsedRelease]:
    parsed, issues = parse_releases(lines, enterprise=enterprise, first_position=first)
    if issues:
        raise LinesInvalid(issues)
    return parsed


def _parsed_transfers(enterprise: Enterprise, lines: Iterable[Mapping[str, Any]], first: int) -> list[ParsedTransfer]:
    parsed, issues = parse_transfers(lines, enterprise=enterprise, first_position=first)
    if issues:
        raise LinesInvalid(issues)
    return parsed


def _store(
    version: ReleaseVersion, releases: list[ParsedRelease] | None, transfers: list[ParsedTransfer] | None
) -> None:
    if releases is not None:
        version.lines.all().delete()
        ReleaseLine.objects.bulk_create(
            [ReleaseLine(version=version, position=number, **line.values()) for number, line in enumerate(releases, 1)]
        )
    if transfers is not None:
        version.transfers.all().delete()
        TransferLine.objects.bulk_create(
            [TransferLine(version=version, position=n, **line.values()) for n, line in enumerate(transfers, 1)]
        )


@transaction.atomic
def report_create(
    *, actor: AnyUser, enterprise: Enterprise, year: int, releases: Iterable[Mapping[str, Any]] = (),
    transfers: Iterable[Mapping[str, Any]] = (), first_position: int = 1,
) -> ReleaseReport:  # fmt: skip
    """A new report with its first version, a draft. Nothing is saved unless every line passes."""
    filer = workflow.check_may_file(FILING, actor, enterprise)
    _check_year(year)
    if ReleaseReport.objects.filter(enterprise=enterprise, year=year).exists():
        message = _("A release report for %(year)s already exists.") % {"year": year}
        raise ValidationError({"year": ValidationError(message, code="unique")})
    parsed_releases = _parsed_releases(enterprise, releases, first_position)
    parsed_transfers = _parsed_transfers(enterprise, transfers, first_position)
    report = ReleaseReport.objects.create(enterprise=enterprise, year=year)
    version = ReleaseVersion.objects.create(report=report, number=1, created_by=filer)
    _store(version, parsed_releases, parsed_transfers)
    report.current = version
    report.save(update_fields=["current"])
    workflow.event(FILING, version, ReturnEvent.Kind.CREATED, filer)
    return report


@transaction.atomic
def draft_replace_lines(
    *, actor: AnyUser, version: ReleaseVersion, releases: Iterable[Mapping[str, Any]] | None = None,
    transfers: Iterable[Mapping[str, Any]] | None = None, first_position: int = 1,
) -> ReleaseVersion:  # fmt: skip
    """Replace a draft's releases, its transfers, or both (None leaves a list as it is): API and file upload.
    Nothing changes unless every line passes."""
    version, filer = workflow.editable_draft(FILING, actor, version)
    enterprise = version.report.enterprise
    parsed_releases = None if releases is None else _parsed_releases(enterprise, releases, first_position)
    parsed_transfers = None if transfers is None else _parsed_transfers(enterprise, transfers, first_position)
    _store(version, parsed_releases, parsed_transfers)
    workflow.event(FILING, version, ReturnEvent.Kind.EDITED, filer)
    return version


def _position(lines: Any, position: int | None) -> int:
    if position is not None and not lines.filter(position=position).exists():
        raise ValidationError(_("Line %(line)s does not exist.") % {"line": position})
    return position or (lines.aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def draft_release_save(
    *, actor: AnyUser, version: ReleaseVersion, position: int | None, data: Mapping[str, Any]
) -> ReleaseLine:
    """Add (position None) or change one release of a draft, checked alone and against the other lines."""
    version, _filer = workflow.editable_draft(FILING, actor, version)
    number = _position(version.lines, position)
    (line,) = _parsed_releases(version.report.enterprise, [data], number)
    if version.lines.exclude(position=number).filter(medium=line.medium, substance=line.substance,
                                                     source=line.source).exists():  # fmt: skip
        message = _("%(substance)s to this medium from this source is already on another line.")
        raise LinesInvalid(
            [ReleaseIssue(number, "substance", "duplicate_line", message % {"substance": line.substance})]
        )
    saved, _created = ReleaseLine.objects.update_or_create(version=version, position=number, defaults=line.values())
    return saved


@transaction.atomic
def draft_transfer_save(
    *, actor: AnyUser, version: ReleaseVersion, position: int | None, data: Mapping[str, Any]
) -> TransferLine:
    """Add (position None) or change one transfer of a draft."""
    version, _filer = workflow.editable_draft(FILING, actor, version)
    number = _position(version.transfers, position)
    parsed = _parsed_transfers(version.report.enterprise, [data], number)
    line = parsed[0]
    if version.transfers.exclude(position=number).filter(
        direction=line.direction, waste_code=line.waste_code, counterpart_bin=line.counterpart_bin,
        operation=line.operation,
    ).exists():  # fmt: skip
        message = _("%(code)s with this party and operation is already on another line.") % {"code": line.waste_code}
        raise LinesInvalid([ReleaseIssue(number, "waste_code", "duplicate_line", message)])
    saved, _created = TransferLine.objects.update_or_create(version=version, position=number, defaults=line.values())
    return saved


@transaction.atomic
def draft_line_delete(*, actor: AnyUser, version: ReleaseVersion, position: int, transfer: bool = False) -> None:
    """Remove one release (or, `transfer`, one transfer) of a draft."""
    version, _filer = workflow.editable_draft(FILING, actor, version)
    (version.transfers if transfer else version.lines).filter(position=position).delete()


def current_warnings(version: ReleaseVersion) -> list[ReturnWarning]:
    """The warnings of a version: as frozen at submission, or as they stand today for a draft."""
    if not version.is_draft:
        return [ReleaseWarning.from_stored(item) for item in version.warnings]
    report = version.report
    return warnings_for(
        version.lines.all(),
        previous=previous_accepted_releases(report),
        year=ReleaseYear.for_year(report.year),
        submitted_on=timezone.localdate(),
    )


@transaction.atomic
def report_submit(*, actor: AnyUser, version: ReleaseVersion, confirmations: Mapping[str, str]) -> ReleaseVersion:
    return workflow.submit(
        FILING, actor=actor, version=version, confirmations=confirmations, warnings_of=current_warnings,
        has_lines=lambda draft: draft.lines.exists() or draft.transfers.exists(),
    )  # fmt: skip


@transaction.atomic
def report_accept(*, actor: AnyUser, version: ReleaseVersion) -> ReleaseVersion:
    return workflow.accept(FILING, actor=actor, version=version)


@transaction.atomic
def report_send_back(*, actor: AnyUser, version: ReleaseVersion, reasons: str) -> ReleaseVersion:
    return workflow.send_back(FILING, actor=actor, version=version, reasons=reasons)


@transaction.atomic
def report_correct(*, actor: AnyUser, report: ReleaseReport) -> ReleaseVersion:
    """Start a correction: a new draft version, a copy of the newest one, which stays as it was."""
    return workflow.correct(FILING, actor=actor, parent=report)
