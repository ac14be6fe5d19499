"""Submissions of interval values: by API (checked and stored in the request) or by file (kept, then read by a
worker under a lease, staged on PostgreSQL for a large file). Either way every row is checked
(monitoring.emissions.ingest), nothing is saved when one is bad, the values above their limit open or extend their
alerts (monitoring.emissions.limits), and the submission records what was received, the gaps and the span."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from monitoring import partitions
from monitoring.emissions import staging
from monitoring.emissions.ingest import REQUIRED, Catalogue, Checker, Gap, Pair, Row
from monitoring.emissions.limits import Exceeding, Outcome, open_or_extend
from monitoring.emissions.models import Channel, EmissionSubmission, EmissionValue
from monitoring.emissions.partitions import VALUES
from monitoring.ingest import RowError
from monitoring.services.submissions import RowsInvalid, copy_rows, file_kept, file_rows, read_failures
from monitoring.staging import NotUsual
from portal import coded, leases, values
from portal.models import User
from portal.permissions import Action, AnyUser, require
from portal.tasks import enqueue
from registry.models import Enterprise
from registry.permits.models import EmissionSource, SourceMedium

CHUNK = 10_000
MAX_GAPS = 1000  # a submission keeps the first thousand gaps' ranges, and counts them all
VALUE_COLUMNS = (
    "submission_id", "enterprise_id", "source_id", "substance_id", "interval_start", "value", "unit", "flow_m3s",
    "rate_gs", "alert_id",
)  # fmt: skip


def _check_may_submit(actor: AnyUser, enterprise: Enterprise) -> User:
    return require(
        actor,
        Action.SUBMIT,
        enterprise,
        _("You may not submit emission data for %(enterprise)s.") % {"enterprise": enterprise},
    )


def _store(submission: EmissionSubmission, rows: list[Row], alerts: dict[Pair, int], catalogue: Catalogue) -> None:
    """Checked rows stored with the alert of those above their limit (monitoring's copy_rows)."""
    VALUES.prepare_for_rows({partitions.month_of(row.interval_start) for row in rows})
    records = []
    for row in rows:
        limit = catalogue.limit(row)
        alert = alerts[(row.source_id, row.substance_id)] if limit is not None and row.rate_gs > limit else None
        records.append(
            (
                submission.pk,
                submission.enterprise_id,
                row.source_id,
                row.substance_id,
                row.interval_start,
                row.value,
                row.unit,
                row.flow_m3s,
                row.rate_gs,
                alert,
            )
        )
    copy_rows(EmissionValue, VALUE_COLUMNS, records)


def _exceeding(rows: list[Row], catalogue: Catalogue) -> dict[Pair, Exceeding]:
    sums: dict[Pair, Exceeding] = {}
    for row in rows:
        limit = catalogue.limit(row)
        if limit is None or row.rate_gs <= limit:
            continue
        one = Exceeding(1, row.rate_gs, row.interval_start, limit)
        pair = (row.source_id, row.substance_id)
        if pair in sums:
            sums[pair].add(one)
        else:
            sums[pair] = one
    return sums


def _flush(submission: EmissionSubmission, checker: Checker, rows: list[Row], outcome: Outcome) -> None:
    checker.check_stored(rows)
    if checker.errors or not rows:
        return  # keep checking the rest for errors; nothing will be saved
    alerts = open_or_extend(
        enterprise_id=submission.enterprise_id, exceeding=_exceeding(rows, checker.catalogue), outcome=outcome
    )
    _store(submission, rows, alerts, checker.catalogue)
    outcome.received += len(rows)
    outcome.widen(min(row.interval_start for row in rows), max(row.interval_start for row in rows))


def _ingest(
    submission: EmissionSubmission,
    raw_rows: Iterable[tuple[int, Mapping[str, Any]]],
    catalogue: Catalogue,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Check and store rows in chunks; raises RowsInvalid (the caller's transaction then saves nothing)."""
    checker = Checker(catalogue)
    outcome = Outcome()
    chunk: list[Row] = []
    for number, raw in raw_rows:
        if not any(str(value or "").strip() for value in raw.values()):
            continue  # a blank line of a file
        if (row := checker.check(number, raw)) is not None:
            chunk.append(row)
        if len(chunk) >= CHUNK:
            _flush(submission, checker, chunk, outcome)
            chunk = []
            if progress:
                progress(number)
    _flush(submission, checker, chunk, outcome)
    if checker.errors:
        raise RowsInvalid(checker.errors, checker.error_count, {"duplicate_count": checker.duplicates})
    if not outcome.received:
        message = coded.Message(gettext_noop("the submission has no values."))
        raise RowsInvalid([RowError(0, "values", "required", message)])
    outcome.gaps = checker.gaps()
    return outcome


def _recorded(outcome: Outcome, catalogue: Catalogue) -> dict[str, Any]:
    """The submission's fields that say what a batch stored."""
    codes = catalogue.codes()
    gaps: list[Gap] = sorted(outcome.gaps, key=lambda gap: (codes[gap.source_id, gap.substance_id], gap.first))
    return {
        "processed_at": timezone.now(),
        "received_count": outcome.received,
        "over_limit_count": outcome.over_limit,
        "gap_count": sum(gap.intervals for gap in gaps),
        "gaps": [
            {
                "source": codes[gap.source_id, gap.substance_id][0],
                "substance": codes[gap.source_id, gap.substance_id][1],
                "from": gap.first.isoformat(),
                "to": gap.last.isoformat(),
                "intervals": gap.intervals,
            }
            for gap in gaps[:MAX_GAPS]
        ],
        "interval_from": outcome.first,
        "interval_to": outcome.last,
        "rows_total": outcome.received,
        "rows_done": outcome.received,
    }


@transaction.atomic
def submission_create(
    *, actor: AnyUser, enterprise: Enterprise, rows: Sequence[Mapping[str, Any]]
) -> EmissionSubmission:
    """Values from the API: checked, converted, compared with the limits and stored in the request."""
    submitter = _check_may_submit(actor, enterprise)
    submission = EmissionSubmission.objects.create(
        enterprise=enterprise, submitted_by=submitter, via=EmissionSubmission.Via.API
    )
    catalogue = Catalogue(enterprise)
    outcome = _ingest(submission, enumerate(rows, start=1), catalogue)
    for name, value in _recorded(outcome, catalogue).items():
        setattr(submission, name, value)
    submission.status = EmissionSubmission.lease_done
    submission.save()
    return submission


def submission_from_file(*, actor: AnyUser, enterprise: Enterprise, upload: UploadedFile) -> EmissionSubmission:
    """A file is kept and read by a worker (monitoring.emissions.tasks.ingest_file)."""
    submitter = _check_may_submit(actor, enterprise)
    fields = {"enterprise": enterprise, "submitted_by": submitter, "via": EmissionSubmission.Via.FILE}
    return file_kept(EmissionSubmission, upload, task="monitoring.emissions.tasks.ingest_file", **fields)


def progress_key(submission_id: int) -> str:
    return f"emissions:submission:{submission_id}:rows"


def submission_ingest_file(*, submission_id: int) -> None:
    """Task ingest_file: read, check and store a submitted file under a lease on the submission (portal.leases).
    Safe to run again: a finished submission, or one another worker holds, is left alone."""
    lease = leases.claim(EmissionSubmission, submission_id)
    if lease is None:
        return
    with lease.held():
        submission = EmissionSubmission.objects.select_related("enterprise").get(pk=submission_id)
        _read_file(submission, lease)


def _read_file(submission: EmissionSubmission, lease: leases.Lease) -> None:
    """Store the file's values in one transaction, the fast path first on PostgreSQL; the outcome is saved with
    them, only while the lease holds (a file is never stored twice)."""

    def progress(rows: int) -> None:
        cache.set(progress_key(submission.pk), rows, timeout=3600)
        lease.renew()

    def store() -> None:
        with transaction.atomic():
            catalogue = Catalogue(submission.enterprise)
            outcome = None
            if connection.vendor == "postgresql":
                with suppress(NotUsual):  # then read row by row, which says what is wrong where
                    outcome = staging.ingest(submission, catalogue=catalogue, progress=progress)
            if outcome is None:
                outcome = _ingest(submission, file_rows(submission.file, REQUIRED), catalogue, progress)
            lease.finish(**_recorded(outcome, catalogue))

    try:
        with read_failures(submission):
            # Attaching a partition locks the tables values refer to until the transaction ends: a file's long
            # transaction leaves the months it lacks to a short one of their own, then reads it again.
            VALUES.stored_apart(store)
    finally:
        cache.delete(progress_key(submission.pk))


def submissions_sweep(*, older_than_seconds: int = 60) -> list[int]:
    """Beat, every minute: files whose lease ran out or was given back, or that no worker claimed (a broker outage),
    are enqueued again; those whose attempts are used up are failed (portal.leases)."""
    ids = leases.sweep(EmissionSubmission, grace=timedelta(seconds=older_than_seconds))
    for submission_id in ids:
        enqueue("monitoring.emissions.tasks.ingest_file", submission_id)
    return ids


def submissions_retry(*, actor: AnyUser, submissions: QuerySet[EmissionSubmission]) -> list[int]:
    """An administrator's retry of failed files (from the admin)."""
    require(actor, Action.ADMINISTER, message=_("Only administrators retry failed work."))
    with transaction.atomic():
        ids = leases.retry(submissions.exclude(file=""))
        EmissionSubmission.objects.filter(pk__in=ids).update(errors=[])
        for submission_id in ids:
            enqueue("monitoring.emissions.tasks.ingest_file", submission_id)
    return ids


def value_partitions_ensure() -> list[str]:
    """Beat, daily: the emission values' partitions of this month and the coming ones."""
    return VALUES.ensure()


# Channels (helper "cov"): the continuous-monitoring channels of a source, registered and changed by the staff of
# its enterprise (as its sources: Action.FILE). A channel's source and substance are fixed once registered (its values
# are theirs); its interval too once values are stored (coverage counts the intervals at it).

CHANNEL_FIELDS = ("interval_minutes", "since", "silent_after_minutes", "is_active")
# The longest silence a channel may wait before it counts as silent: a week.
SILENT_AFTER_MAX = 7 * 24 * 60


def _check_may_file_channels(actor: AnyUser, source: EmissionSource) -> User:
    return require(
        actor, Action.FILE, source,
        _("You may not register monitoring channels of %(enterprise)s.") % {"enterprise": source.enterprise},
    )  # fmt: skip


def _save_channel(channel: Channel) -> Channel:
    """Check and save a channel; each refusal names its field."""
    if channel.source.medium != SourceMedium.AIR:
        message = _("Continuous monitoring measures emissions to air: the source is a water outlet.")
        raise ValidationError({"source": ValidationError(message, code="not_air")})
    if channel.since is not None:
        try:
            values.check_moment(channel.since)
        except ValidationError as exc:
            raise ValidationError({"since": exc}) from exc
    after = channel.silent_after_minutes
    if after is not None and not channel.interval_minutes <= after <= SILENT_AFTER_MAX:
        message = _("Enter from the channel's interval (%(interval)s) to %(most)s minutes, or leave it empty.")
        params = {"interval": channel.interval_minutes, "most": SILENT_AFTER_MAX}
        raise ValidationError({"silent_after_minutes": ValidationError(message % params, code="silent_after_range")})
    same = Channel.objects.filter(source_id=channel.source_id, substance_id=channel.substance_id)
    if same.exclude(pk=channel.pk).exists():
        message = _("The source already has a channel of %(substance)s.") % {"substance": channel.substance}
        raise ValidationError({"substance": ValidationError(message, code="unique")})
    channel.full_clean()
    channel.save()
    return channel


@transaction.atomic
def channel_create(*, actor: AnyUser, source: EmissionSource, fields: Mapping[str, Any]) -> Channel:
    """A new channel of `source`; `fields`: substance and CHANNEL_FIELDS."""
    _check_may_file_channels(actor, source)
    return _save_channel(Channel(source=source, **fields))


@transaction.atomic
def channel_update(*, actor: AnyUser, channel: Channel, fields: Mapping[str, Any]) -> Channel:
    """Change CHANNEL_FIELDS of a channel; its source and substance stay, and its interval once it has values."""
    channel = Channel.objects.select_for_update(of=("self",)).select_related("source").get(pk=channel.pk)
    _check_may_file_channels(actor, channel.source)
    for name in ("source", "substance"):
        if name in fields and fields[name] != getattr(channel, name):
            message = _("A channel's source and substance stay as registered: register another channel.")
            raise ValidationError({name: ValidationError(message, code="fixed")})
    interval = fields.get("interval_minutes", channel.interval_minutes)
    if interval != channel.interval_minutes and _has_values(channel):
        message = _("The channel has values at its interval: the interval stays as it is.")
        raise ValidationError({"interval_minutes": ValidationError(message, code="has_values")})
    for name in CHANNEL_FIELDS:
        if name in fields:
            setattr(channel, name, fields[name])
    return _save_channel(channel)


def _has_values(channel: Channel) -> bool:
    values_of = EmissionValue.objects.filter(source_id=channel.source_id, substance_id=channel.substance_id)
    return values_of.filter(enterprise_id=channel.source.enterprise_id).exists()
