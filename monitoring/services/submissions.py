"""Submissions of results (API, form, file): checked, stored in chunks, read by a worker under a lease, then
evaluated (`monitoring.services.evaluation`); swept and retried when work was lost."""

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, TypeVar

import psycopg
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, InterfaceError, OperationalError, connection, models, transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from redis.exceptions import RedisError

from monitoring import partitions, staging
from monitoring.ingest import REQUIRED, Catalogue, Checker, Row, RowError, read_file
from monitoring.models import (
    NO_RULESET,
    ROWS_INVALID,
    Result,
    Submission,
)
from monitoring.reference import current_ruleset
from monitoring.services.evaluation import evaluate
from portal import coded, leases
from portal.models import User
from portal.permissions import Action, AnyUser, require
from portal.tasks import enqueue
from portal.uploads import UNREADABLE, FileRefused, check_upload
from registry.models import Enterprise

logger = logging.getLogger(__name__)
M = TypeVar("M", bound=models.Model)
CHUNK = 10_000
# What may pass when the work is tried again (portal.leases gives the lease back): the database, the cache or the
# file storage out of reach, the lease lost to another worker, or a result that another submission stored meanwhile
# (the next attempt reports it as a duplicate row). COPY raises psycopg's own errors.
RETRYABLE = (
    leases.LeaseLost,
    OperationalError, InterfaceError, IntegrityError,
    psycopg.OperationalError, psycopg.InterfaceError, psycopg.IntegrityError,
    RedisError, OSError,
)  # fmt: skip
RESULT_COLUMNS = (
    "submission_id", "point_id", "enterprise_id", "pollutant_id", "medium", "sampled_at", "sampled_on", "averaging",
    "value", "below_detection", "unit", "value_base", "method", "laboratory", "severity", "evaluated",
)  # fmt: skip


class RowsInvalid(ValidationError):
    """Rows of a submission that fail the checks; `errors` names each row, field, code and reason (the first
    ingest.MAX_ERRORS of `total`); `fields`, what else the failed submission records (its counts)."""

    def __init__(self, errors: list[RowError], total: int | None = None, fields: dict[str, Any] | None = None) -> None:
        self.errors = errors
        self.total = total if total is not None else len(errors)
        self.fields = fields or {}
        super().__init__([str(error) for error in errors])

    def error_items(self) -> list[dict[str, Any]]:
        """As the API answers them (portal.api.exceptions), with `error_extra`."""
        return [error.error_item() for error in self.errors]

    def error_extra(self) -> dict[str, Any]:
        return {"error_count": self.total}


def _check_may_submit(actor: AnyUser, enterprise: Enterprise) -> User:
    return require(
        actor,
        Action.SUBMIT,
        enterprise,
        _("You may not submit results for %(enterprise)s.") % {"enterprise": enterprise},
    )


# Storing rows: PostgreSQL's COPY where available, bulk_create otherwise (the embedded SQLite default).


def _store(submission: Submission, rows: list[Row]) -> None:
    """Rows naming points of the submission's enterprise (ingest.Catalogue), stored with that enterprise."""
    if not rows:
        return
    # The partitions of the months the rows fall in (monitoring.partitions; none on SQLite).
    partitions.prepare_for_rows({partitions.month_of(row.sampled_at) for row in rows})
    values = [
        (
            submission.pk, row.point_id, submission.enterprise_id, row.pollutant_id, row.medium, row.sampled_at,
            row.sampled_on, row.averaging, row.value, row.below_detection, row.unit, row.value_base, row.method,
            row.laboratory, 0, False,
        )
        for row in rows
    ]  # fmt: skip
    copy_rows(Result, RESULT_COLUMNS, values)


def copy_rows(model: type[models.Model], columns: Sequence[str], records: list[tuple[Any, ...]]) -> None:
    """Checked rows stored as they are (`records`, values of `columns`): by COPY on PostgreSQL, bulk_create on
    SQLite (the embedded default). Shared with monitoring.emissions."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            statement = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(statement) as copy:
                for record in records:
                    copy.write_row(record)
    else:
        model._default_manager.bulk_create([model(**dict(zip(columns, record, strict=True))) for record in records])


def _ingest(
    submission: Submission,
    raw_rows: Iterable[tuple[int, Mapping[str, Any]]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Check and store rows in chunks, telling `progress` the rows read after each; raises RowsInvalid (the caller's
    transaction then saves nothing)."""
    checker = Checker(Catalogue(submission.enterprise))
    chunk: list[Row] = []
    stored = 0
    for number, raw in raw_rows:
        if not any(str(value or "").strip() for value in raw.values()):
            continue  # a blank line of a form or file
        row = checker.check(number, raw)
        if row is not None:
            chunk.append(row)
        if len(chunk) >= CHUNK:
            stored += _flush(submission, checker, chunk)
            chunk = []
            if progress:
                progress(number)
    stored += _flush(submission, checker, chunk)
    if checker.errors:
        raise RowsInvalid(checker.errors, checker.error_count)
    if not stored:
        message = coded.Message(gettext_noop("the submission has no results."))
        raise RowsInvalid([RowError(0, "results", "required", message)])
    return stored


def _flush(submission: Submission, checker: Checker, rows: list[Row]) -> int:
    checker.check_stored(rows, submission_id=submission.pk)
    checker.check_archived(rows)
    if checker.errors:
        return 0  # keep checking the rest for errors; nothing will be saved
    _store(submission, rows)
    _widen_span(submission, [row.sampled_at for row in rows])
    return len(rows)


def _widen_span(submission: Submission, moments: list[datetime]) -> None:
    """Widen the submission's span of sampling times (saved by the caller) to take in `moments`."""
    if not moments:
        return
    first, last = min(moments), max(moments)
    submission.sampled_from = min(first, submission.sampled_from or first)
    submission.sampled_to = max(last, submission.sampled_to or last)


def progress_key(submission_id: int) -> str:
    return f"monitoring:submission:{submission_id}:rows"


@transaction.atomic
def submission_create(
    *, actor: AnyUser, enterprise: Enterprise, rows: Sequence[Mapping[str, Any]], channel: str = Submission.Channel.API
) -> Submission:
    """Results from the API or the form: checked now, saved together, evaluated in the background."""
    submitter = _check_may_submit(actor, enterprise)
    submission = Submission.objects.create(enterprise=enterprise, submitted_by=submitter, channel=channel)
    stored = _ingest(submission, enumerate(rows, start=1))
    submission.rows_total = submission.rows_done = stored
    submission.save(update_fields=["rows_total", "rows_done", "sampled_from", "sampled_to"])
    enqueue("monitoring.tasks.evaluate_submission", submission.pk)
    return submission


def submission_from_file(*, actor: AnyUser, enterprise: Enterprise, upload: UploadedFile) -> Submission:
    """A file is kept and read by a worker (large files take a while); the page follows its progress."""
    submitter = _check_may_submit(actor, enterprise)
    fields = {"enterprise": enterprise, "submitted_by": submitter, "channel": Submission.Channel.FILE}
    return file_kept(Submission, upload, task="monitoring.tasks.ingest_file", **fields)


def file_kept(model: type[M], upload: UploadedFile, *, task: str, **fields: Any) -> M:
    """A file checked against the upload limits (portal.uploads), kept with a new row of `model` (its other
    `fields`), and `task` enqueued for it once that commits. Shared with monitoring.emissions."""
    check_upload(upload)
    with transaction.atomic():
        submission = model._default_manager.create(file=upload, **fields)
        enqueue(task, submission.pk)
    return submission


def file_rows(file: FieldFile, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a stored file, by column name, streamed; a header without a `required` column is a row error.
    Shared with monitoring.emissions."""
    with file.open("rb") as handle:
        header, rows = read_file(handle)
        missing = [column for column in required if column not in header]
        if missing:
            raise RowsInvalid(
                [
                    RowError(
                        1,
                        ", ".join(missing),
                        "missing_columns",
                        coded.Message(gettext_noop("the header lacks these columns.")),
                    )
                ]
            )
        for number, values in rows:
            yield number, dict(zip(header, values, strict=False))


@contextmanager
def read_failures(submission: models.Model) -> Iterator[None]:
    """How reading a file under a lease fails (portal.leases): for good with its row errors, the file refused (a
    limit or the format: the same file is refused again, whatever the attempt) or unreadable; or this time only
    (RETRYABLE), for the sweep to try again. Shared with monitoring.emissions."""
    try:
        yield
    except RowsInvalid as exc:
        errors = [error.stored() for error in exc.errors]
        raise leases.Failed(ROWS_INVALID, {"count": exc.total}, errors=errors, **exc.fields) from exc
    except FileRefused as exc:
        raise leases.Failed(exc.code, exc.params) from exc
    except RETRYABLE:
        raise
    except Exception as exc:
        # Anything else that fails while a file is read comes from the file (a value no check foresaw): the same
        # file fails the same way at every attempt, so it fails now, with the reason.
        logger.exception("%s %s: the file cannot be read", type(submission).__name__, submission.pk)
        raise leases.Failed(UNREADABLE, {"detail": f"{type(exc).__name__}: {exc}"[:300]}) from exc


def _ingest_staged(submission: Submission, ruleset_id: int, progress: Callable[[int], None]) -> staging.Staged | None:
    """The fast path of a good file on PostgreSQL, stored evaluated; None when the file needs reading row by row."""
    if connection.vendor != "postgresql":
        return None
    try:
        return staging.ingest(submission, ruleset_id=ruleset_id, progress=progress)
    except staging.NotUsual:
        return None


def submission_ingest_file(*, submission_id: int) -> None:
    """Task ingest_file: read, check and store a submitted file, then evaluate it (`_process`)."""
    _process(submission_id)


def submission_evaluate(*, submission_id: int) -> None:
    """Task evaluate_submission: evaluate the results of a submission (`_process`)."""
    _process(submission_id)


def _process(submission_id: int) -> None:
    """Whichever task runs, under a lease on the submission (portal.leases): a file not read yet is read, then the
    results are evaluated. Safe to run again: a finished submission, or one that another worker holds, is left
    alone; after TASK_MAX_ATTEMPTS failed or interrupted attempts it is failed with its error."""
    lease = leases.claim(Submission, submission_id)
    if lease is None:
        return
    with lease.held():
        ruleset = current_ruleset()
        if ruleset is None:  # no attempt can classify anything until an administrator adds rules
            raise leases.Failed(NO_RULESET)
        submission = Submission.objects.select_related("enterprise").get(pk=submission_id)
        staged = None
        if submission.file and not submission.rows_done:
            staged = _read_file(submission, lease, ruleset.pk)
        evaluate(submission_id, lease, ruleset.pk, staged=staged if staged and staged.alerts_complete else None)


def _read_file(submission: Submission, lease: leases.Lease, ruleset_id: int) -> staging.Staged | None:
    """Store the file's rows in one transaction, renewing the lease as the rows go; returns what the fast path
    learnt of them (None after the row-by-row path)."""
    staged: staging.Staged | None = None

    def progress(rows: int) -> None:
        cache.set(progress_key(submission.pk), rows, timeout=3600)
        lease.renew()

    def store() -> None:
        nonlocal staged
        with transaction.atomic():
            submission.sampled_from = submission.sampled_to = None
            rows = file_rows(submission.file, REQUIRED)
            staged = _ingest_staged(submission, ruleset_id, progress)
            stored = staged.rows if staged else _ingest(submission, rows, progress)
            # Saved only while the lease holds, or the whole read rolls back: a file is never stored twice.
            lease.update(
                rows_total=stored,
                rows_done=stored,
                sampled_from=submission.sampled_from,
                sampled_to=submission.sampled_to,
            )

    try:
        with read_failures(submission):
            # Attaching a partition locks the tables results refer to against writes until the transaction ends: a
            # file's long transaction leaves the months it lacks to a short one of their own, then reads it again.
            partitions.RESULTS.stored_apart(store)
    finally:
        cache.delete(progress_key(submission.pk))
    return staged


def submissions_sweep_unevaluated(*, older_than_seconds: int = 60) -> list[int]:
    """Beat, every minute: submissions whose lease ran out or was given back after a failed attempt, or that no
    worker claimed `older_than_seconds` after they arrived (a broker outage), are enqueued again; those whose
    attempts are used up are failed (portal.leases). Work still leased is left to its worker."""
    ids = leases.sweep(Submission, grace=timedelta(seconds=older_than_seconds))
    _enqueue_work(ids)
    return ids


def submissions_retry(*, actor: AnyUser, submissions: QuerySet[Submission]) -> list[int]:
    """An administrator's retry of failed submissions (from the admin): attempts counted from zero, errors
    cleared, enqueued again. Returns the ids retried; those that had not failed are left alone."""
    require(actor, Action.ADMINISTER, message=_("Only administrators retry failed work."))
    with transaction.atomic():
        ids = leases.retry(submissions)
        Submission.objects.filter(pk__in=ids).update(errors=[])
        _enqueue_work(ids)
    return ids


def _enqueue_work(ids: list[int]) -> None:
    unread_files = set(Submission.objects.filter(pk__in=ids, rows_done=0).exclude(file="").values_list("pk", flat=True))
    for submission_id in ids:
        task = "ingest_file" if submission_id in unread_files else "evaluate_submission"
        enqueue(f"monitoring.tasks.{task}", submission_id)
