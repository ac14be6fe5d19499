"""Writes of monitoring: points, submissions (API, form, file), their evaluation, and the alert workflow."""

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import psycopg
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from redis.exceptions import RedisError

from monitoring import partitions, sql, staging
from monitoring.ingest import REQUIRED, Catalogue, Checker, Row, RowError, read_file
from monitoring.models import (
    NO_RULESET,
    OPEN_ALERT,
    ROWS_INVALID,
    Alert,
    AlertEvent,
    AlertStatus,
    MonitoringPoint,
    Result,
    Severity,
    Submission,
)
from monitoring.reference import current_ruleset
from monitoring.signals import submission_evaluated
from portal import audit, coded, leases, outbox
from portal.models import Channel, User
from portal.permissions import Action, AnyUser, can, require
from portal.tasks import enqueue
from portal.uploads import UNREADABLE, FileRefused, check_upload
from registry.models import Enterprise

logger = logging.getLogger(__name__)
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
    "submission_id", "point_id", "pollutant_id", "medium", "sampled_at", "sampled_on", "averaging", "value",
    "below_detection", "unit", "value_base", "method", "laboratory", "severity", "evaluated",
)  # fmt: skip


class RowsInvalid(ValidationError):
    """Rows of a submission that fail the checks; `errors` names each row, field, code and reason (the first
    ingest.MAX_ERRORS of `total`)."""

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = total if total is not None else len(errors)
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


def _store(submission_id: int, rows: list[Row]) -> None:
    if not rows:
        return
    # The partitions of the months the rows fall in (monitoring.partitions; none on SQLite).
    partitions.prepare_for_rows({partitions.month_of(row.sampled_at) for row in rows})
    values = [
        (
            submission_id, row.point_id, row.pollutant_id, row.medium, row.sampled_at, row.sampled_on, row.averaging,
            row.value, row.below_detection, row.unit, row.value_base, row.method, row.laboratory, 0, False,
        )
        for row in rows
    ]  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            statement = f"COPY monitoring_result ({', '.join(RESULT_COLUMNS)}) FROM STDIN"
            with cursor.cursor.copy(statement) as copy:
                for value in values:
                    copy.write_row(value)
    else:
        Result.objects.bulk_create([Result(**dict(zip(RESULT_COLUMNS, value, strict=True))) for value in values])


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
    _store(submission.pk, rows)
    _widen_span(submission, [row.sampled_at for row in rows])
    return len(rows)


def _widen_span(submission: Submission, moments: list[datetime]) -> None:
    """Widen the submission's span of sampling times (saved by the caller) to take in `moments`."""
    if not moments:
        return
    first, last = min(moments), max(moments)
    submission.sampled_from = min(first, submission.sampled_from or first)
    submission.sampled_to = max(last, submission.sampled_to or last)


def _in_span(submission_id: int) -> Q:
    """The submission's results by its span of sampling times as well, which the planner prunes to the months'
    partitions of the results table; every result when the span is unknown (a submission stored before it was
    kept)."""
    first, last = Submission.objects.values_list("sampled_from", "sampled_to").get(pk=submission_id)
    within = Q(submission_id=submission_id)
    return within & Q(sampled_at__gte=first, sampled_at__lte=last) if first and last else within


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
    check_upload(upload)
    with transaction.atomic():
        submission = Submission.objects.create(
            enterprise=enterprise, submitted_by=submitter, channel=Submission.Channel.FILE, file=upload
        )
        enqueue("monitoring.tasks.ingest_file", submission.pk)
    return submission


def _file_rows(submission: Submission) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a stored file, by column name, streamed."""
    with submission.file.open("rb") as handle:
        header, rows = read_file(handle)
        missing = [column for column in REQUIRED if column not in header]
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


def _ingest_staged(submission: Submission, ruleset_id: int, progress: Callable[[int], None]) -> int:
    """The fast path of a good file on PostgreSQL, stored evaluated; 0 when the file needs reading row by row."""
    if connection.vendor != "postgresql":
        return 0
    try:
        return staging.ingest(submission, ruleset_id=ruleset_id, progress=progress)
    except staging.NotUsual:
        return 0


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
        if submission.file and not submission.rows_done:
            _read_file(submission, lease, ruleset.pk)
        _evaluate(submission_id, lease, ruleset.pk)


def _read_file(submission: Submission, lease: leases.Lease, ruleset_id: int) -> None:
    """Store the file's rows in one transaction, renewing the lease as the rows go."""

    def progress(rows: int) -> None:
        cache.set(progress_key(submission.pk), rows, timeout=3600)
        lease.renew()

    def store() -> None:
        with transaction.atomic():
            submission.sampled_from = submission.sampled_to = None
            rows = _file_rows(submission)
            stored = _ingest_staged(submission, ruleset_id, progress) or _ingest(submission, rows, progress)
            # Saved only while the lease holds, or the whole read rolls back: a file is never stored twice.
            lease.update(
                rows_total=stored,
                rows_done=stored,
                sampled_from=submission.sampled_from,
                sampled_to=submission.sampled_to,
            )

    try:
        try:
            # Attaching a partition locks the tables results refer to against writes until the transaction ends: a
            # file's long transaction leaves the months it lacks to a short one of their own, then reads it again.
            with partitions.created_apart():
                store()
        except partitions.MissingPartitions as missing:
            partitions.ensure_result_partitions(months=missing.months)
            store()
    except RowsInvalid as exc:
        errors = [error.stored() for error in exc.errors]
        raise leases.Failed(ROWS_INVALID, {"count": exc.total}, errors=errors) from exc
    except FileRefused as exc:  # a limit or the format: the same file is refused again, whatever the attempt
        raise leases.Failed(exc.code, exc.params) from exc
    except RETRYABLE:
        raise
    except Exception as exc:
        # Anything else that fails while a file is read comes from the file (a value no check foresaw): the same
        # file fails the same way at every attempt, so it fails now, with the reason.
        logger.exception("Submission %s: the file cannot be read", submission.pk)
        raise leases.Failed(UNREADABLE, {"detail": f"{type(exc).__name__}: {exc}"[:300]}) from exc
    finally:
        cache.delete(progress_key(submission.pk))


# Evaluation: set-based, in the database (the SQL is in monitoring.sql).


def _evaluate(submission_id: int, lease: leases.Lease, ruleset_id: int) -> None:
    """Norm, ratio and severity for every result; alerts opened or extended; inspectors notified once.

    One transaction, which holds the submission's row until it commits: a worker killed half-way leaves nothing
    behind, and a second run changes nothing.
    """
    with transaction.atomic():
        if not list(lease.rows().select_for_update().values_list("pk", flat=True)):
            raise leases.LeaseLost
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for setting in sql.BULK_SETTINGS:
                    cursor.execute(setting)
            first, last = Submission.objects.values_list("sampled_from", "sampled_to").get(pk=submission_id)
            span = {"first": first or "-infinity", "last": last or "infinity"}
            cursor.execute(sql.EVALUATE, {"submission": submission_id, "ruleset": ruleset_id, **span})
        mine = Result.objects.filter(_in_span(submission_id))
        # What had no norm is evaluated too: counted as such, never dropped.
        mine.filter(evaluated=False).update(evaluated=True)
        alert_ids = _open_or_extend_alerts(submission_id)
        _notify_once(alert_ids)
        lease.finish(evaluated_at=timezone.now())
        periods = sorted(
            mine.order_by().values_list(ExtractYear("sampled_on"), "point__enterprise__region_id").distinct()
        )
        # In the transaction: the statistics' dirty mark commits with the evaluation (reports.aggregates).
        submission_evaluated.send(sender=Submission, submission_id=submission_id, periods=periods)


def _open_or_extend_alerts(submission_id: int) -> list[int]:
    # The point and pollutant of every result: compliant results count too, they can end a persistent exceedance
    # of an alert still open. order_by(): without it, Result's default ordering would make DISTINCT keep one row
    # per result.
    mine = Result.objects.filter(_in_span(submission_id))
    series = set(mine.order_by().values_list("point_id", "pollutant_id").distinct())
    # Alerts are opened and updated here in bulk and by SQL: the audit trail compares them before and after.
    series_alerts = Alert.objects.filter(
        point_id__in={point for point, _ in series}, pollutant_id__in={pollutant for _, pollutant in series}
    )
    with audit.track(series_alerts):
        exceeding = mine.filter(severity__gt=Severity.NONE)
        pairs = list(exceeding.filter(alert=None).order_by().values_list("point_id", "pollutant_id").distinct())
        # The open alerts these results join are held until commit: an inspector closing one waits, rather than
        # closing it under results it never saw (or leaving them with no alert).
        points, pollutants = {point for point, _ in pairs}, {pollutant for _, pollutant in pairs}
        held = Alert.objects.filter(status__in=OPEN_ALERT, point_id__in=points, pollutant_id__in=pollutants)
        list(held.select_for_update(no_key=True).values_list("pk", flat=True))
        Alert.objects.bulk_create([Alert(point_id=p, pollutant_id=q) for p, q in pairs], ignore_conflicts=True)
        open_alert = (
            Alert.objects.filter(
                point_id=OuterRef("point_id"), pollutant_id=OuterRef("pollutant_id"), status__in=OPEN_ALERT
            )
            .order_by()
            .values("pk")[:1]
        )
        exceeding.filter(alert=None).update(alert_id=Subquery(open_alert))
        alert_ids = list(exceeding.exclude(alert=None).order_by().values_list("alert_id", flat=True).distinct())
        candidates = Alert.objects.filter(status__in=OPEN_ALERT, point_id__in={point for point, _ in series})
        open_ids = [
            pk for pk, *pair in candidates.values_list("pk", "point_id", "pollutant_id") if tuple(pair) in series
        ]
        if alert_ids:
            with connection.cursor() as cursor:
                cursor.execute(sql.ALERT_TOTALS.format(alerts=", ".join(["%s"] * len(alert_ids))), alert_ids)
        _set_persistent(sorted({*alert_ids, *open_ids}))
    return alert_ids


def _set_persistent(alert_ids: list[int]) -> None:
    """The configurable rule for chronic exceedance: at least SHARE of the results of the last MONTHS exceed. On
    PostgreSQL one statement for all the alerts (a query and an update per alert took seconds for the hundreds of
    alerts of a large file); on SQLite, the embedded default, alert by alert."""
    if not alert_ids:
        return
    window = timedelta(days=30.44 * settings.MONITORING_PERSISTENT_MONTHS)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            share = settings.MONITORING_PERSISTENT_SHARE
            params: dict[str, Any] = {"alerts": alert_ids, "window": window, "share": share}
            cursor.execute(sql.PERSISTENT, params)
        return
    for alert in Alert.objects.filter(pk__in=alert_ids):
        Alert.objects.filter(pk=alert.pk).update(persistent=_is_persistent(alert, window))


def _is_persistent(alert: Alert, window: timedelta) -> bool:
    assert alert.last_sampled_at is not None  # every alert evaluated has results: ALERT_TOTALS has just set it
    since = alert.last_sampled_at - window
    counts = Result.objects.filter(
        point_id=alert.point_id, pollutant_id=alert.pollutant_id, sampled_at__gt=since, norm__isnull=False
    ).aggregate(total=Count("pk"), exceeding=Count("pk", filter=Q(severity__gt=Severity.NONE)))
    return bool(counts["total"]) and counts["exceeding"] / counts["total"] >= settings.MONITORING_PERSISTENT_SHARE


def _notify_once(alert_ids: list[int]) -> None:
    """Tell the inspectors of the region of each alert, by e-mail and on the site (the alert list's "New for
    you"), through the outbox: once per alert and inspector, however often the evaluation runs."""
    alerts = Alert.objects.filter(pk__in=alert_ids).select_related("point__enterprise", "pollutant")
    inspectors: dict[int, list[User]] = {}
    for alert in alerts:
        region_id = alert.point.enterprise.region_id
        if region_id not in inspectors:
            inspectors[region_id] = list(
                User.objects.filter(inspector_assignments__region_id=region_id, is_active=True).order_by("pk")
            )
        outbox.post(
            key=alert_message_key(alert.pk),
            code="monitoring.alert",
            params={
                "pollutant": alert.pollutant.code,
                "point": alert.point.code,
                "enterprise_id": alert.point.enterprise_id,  # named when shown, in the reader's language
            },
            link=reverse("monitoring:alert-detail", args=[alert.pk]),
            recipients=inspectors[region_id],
            channels=(Channel.EMAIL, Channel.IN_APP),
        )


def alert_message_key(alert_id: int) -> str:
    return f"alert:{alert_id}"


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


# Alert workflow.

ALLOWED_MOVES: dict[str, set[str]] = {
    AlertStatus.NEW: {AlertStatus.ACKNOWLEDGED, AlertStatus.INVESTIGATING, AlertStatus.RESOLVED, AlertStatus.DISMISSED},
    AlertStatus.ACKNOWLEDGED: {AlertStatus.INVESTIGATING, AlertStatus.RESOLVED, AlertStatus.DISMISSED},
    AlertStatus.INVESTIGATING: {AlertStatus.RESOLVED, AlertStatus.DISMISSED},
    AlertStatus.RESOLVED: set(),
    AlertStatus.DISMISSED: set(),
}


def _needs_closing_comment(alert: Alert) -> bool:
    return alert.persistent or alert.severity >= Severity.HIGH


def _check_may_work(actor: AnyUser, alert: Alert) -> User:
    return require(actor, Action.WORK_ALERTS, alert, _("Only an inspector of the region works this alert."))


@transaction.atomic
def alert_update(
    *,
    actor: AnyUser,
    alert: Alert,
    status: str | None = None,
    comment: str = "",
    assign_to: User | None = None,
    seen_results: int | None = None,
) -> Alert:
    """`seen_results`: how many results the inspector saw; an alert is not closed over results they have not seen
    (an evaluation holds the alerts it extends until it commits, so they are counted here)."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    worker = _check_may_work(actor, alert)
    if status and status != alert.status:
        if status not in ALLOWED_MOVES[alert.status]:
            raise ValidationError({"status": _("An alert that is %(old)s cannot become %(new)s.") % {
                "old": alert.get_status_display(), "new": AlertStatus(status).label}})  # fmt: skip
        if status == AlertStatus.DISMISSED and not comment.strip():
            raise ValidationError({"comment": _("Give the reason for dismissing the alert.")})
        if status == AlertStatus.RESOLVED and not comment.strip() and _needs_closing_comment(alert):
            # A serious or lasting pollution is closed on the record: what was done about it.
            message = _(
                "Say what was done: an alert of severity %(severity)s or a persistent one is resolved with a comment."
            )
            params = {"severity": alert.get_severity_display()}
            raise ValidationError({"comment": ValidationError(message, code="comment_required", params=params)})
        closing = status in (AlertStatus.RESOLVED, AlertStatus.DISMISSED)
        if closing and seen_results is not None and (arrived := alert.results.count() - seen_results) > 0:
            raise ValidationError({"status": ngettext(
                "A new result arrived since the alert was shown: review it before closing the alert.",
                "%(count)s new results arrived since the alert was shown: review them before closing the alert.",
                arrived) % {"count": arrived}})  # fmt: skip
        alert.status = status
        if status in (AlertStatus.RESOLVED, AlertStatus.DISMISSED):
            alert.closed_at = timezone.now()
    if assign_to is not None:
        if not can(assign_to, Action.WORK_ALERTS, alert):
            raise ValidationError({"assigned_to": _("%(user)s does not inspect this region.") % {"user": assign_to}})
        alert.assigned_to = assign_to
    alert.save()
    AlertEvent.objects.create(alert=alert, actor=worker, status=status or "", comment=comment.strip())
    return alert


@transaction.atomic
def point_create(*, actor: AnyUser, fields: dict[str, Any]) -> MonitoringPoint:
    """A new monitoring point of an enterprise the actor may change, near a deposit they may change."""
    require(actor, Action.CHANGE, fields["enterprise"], _("You may not add points for %(enterprise)s.") % {
        "enterprise": fields["enterprise"]})  # fmt: skip
    if fields.get("deposit") is not None:
        deposit = fields["deposit"]
        if not can(actor, Action.VIEW, deposit):
            raise ValidationError({"deposit": _("No such deposit.")})
        if deposit.operator_id != fields["enterprise"].pk:
            raise ValidationError({"deposit": _("A point is placed at a deposit of its own enterprise.")})
    if fields.get("is_published") and not can(actor, Action.PUBLISH):
        raise ValidationError({"is_published": _("Only regulator administrators publish monitoring points.")})
    point = MonitoringPoint(**fields)
    point.full_clean()
    point.save()
    return point
