"""Writes of monitoring: points, submissions (API, form, file), their evaluation, and the alert workflow."""

import logging
from collections.abc import Iterable, Iterator, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from monitoring import sql, staging, tasks
from monitoring.ingest import REQUIRED, Catalogue, Checker, Row, RowError, read_file
from monitoring.models import (
    OPEN_ALERT,
    Alert,
    AlertEvent,
    AlertStatus,
    MonitoringPoint,
    Notification,
    Result,
    Severity,
    Submission,
    SubmissionStatus,
)
from monitoring.reference import current_ruleset
from monitoring.signals import submission_evaluated
from portal.models import User
from portal.tasks import enqueue_on_commit
from portal.uploads import check_upload
from registry.models import Enterprise

logger = logging.getLogger(__name__)
CHUNK = 10_000
RESULT_COLUMNS = (
    "submission_id", "point_id", "pollutant_id", "medium", "sampled_at", "sampled_on", "averaging", "value",
    "below_detection", "unit", "value_base", "method", "laboratory", "severity", "evaluated",
)  # fmt: skip


class RowsInvalid(ValidationError):
    """Rows of a submission that fail the checks; `errors` names each row, field and reason."""

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = total if total is not None else len(errors)
        super().__init__([str(error) for error in errors])


def _check_may_submit(actor: User, enterprise: Enterprise) -> None:
    if not Enterprise.objects.restrict(actor, "change").filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("You may not submit results for %(enterprise)s.") % {"enterprise": enterprise})


# Storing rows: PostgreSQL's COPY where available, bulk_create otherwise (the embedded SQLite default).


def _store(submission_id: int, rows: list[Row]) -> None:
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


def _ingest(submission: Submission, raw_rows: Iterable[tuple[int, Mapping[str, Any]]], progress: bool = False) -> int:
    """Check and store rows in chunks; raises RowsInvalid (the caller's transaction then saves nothing)."""
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
                cache.set(progress_key(submission.pk), number, timeout=3600)
    stored += _flush(submission, checker, chunk)
    if checker.errors:
        raise RowsInvalid(checker.errors, checker.error_count)
    if not stored:
        raise RowsInvalid([RowError(0, "results", _("the submission has no results."))])
    return stored


def _flush(submission: Submission, checker: Checker, rows: list[Row]) -> int:
    checker.check_stored(rows, submission_id=submission.pk)
    if checker.errors:
        return 0  # keep checking the rest for errors; nothing will be saved
    _store(submission.pk, rows)
    return len(rows)


def progress_key(submission_id: int) -> str:
    return f"monitoring:submission:{submission_id}:rows"


@transaction.atomic
def submission_create(
    *, actor: User, enterprise: Enterprise, rows: list[Mapping[str, Any]], channel: str = Submission.Channel.API
) -> Submission:
    """Results from the API or the form: checked now, saved together, evaluated in the background."""
    _check_may_submit(actor, enterprise)
    submission = Submission.objects.create(enterprise=enterprise, submitted_by=actor, channel=channel)
    stored = _ingest(submission, enumerate(rows, start=1))
    submission.rows_total = submission.rows_done = stored
    submission.save(update_fields=["rows_total", "rows_done"])
    enqueue_on_commit(tasks.evaluate_submission, submission.pk)
    return submission


def submission_from_file(*, actor: User, enterprise: Enterprise, upload: UploadedFile) -> Submission:
    """A file is kept and read by a worker (large files take a while); the page follows its progress."""
    _check_may_submit(actor, enterprise)
    check_upload(upload)
    with transaction.atomic():
        submission = Submission.objects.create(
            enterprise=enterprise, submitted_by=actor, channel=Submission.Channel.FILE, file=upload
        )
        enqueue_on_commit(tasks.ingest_file, submission.pk)
    return submission


def _file_rows(submission: Submission) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a stored file, by column name, streamed."""
    with submission.file.open("rb") as handle:
        header, rows = read_file(handle)
        missing = [column for column in REQUIRED if column not in header]
        if missing:
            raise RowsInvalid([RowError(1, ", ".join(missing), _("the header lacks these columns."))])
        for number, values in rows:
            yield number, dict(zip(header, values, strict=False))


def _ingest_staged(submission: Submission) -> int:
    """The fast path of a good file on PostgreSQL, stored evaluated; 0 when the file needs reading row by row."""
    if connection.vendor != "postgresql":
        return 0
    try:
        return staging.ingest(submission, ruleset_id=current_ruleset().pk, progress_key=progress_key(submission.pk))
    except staging.NotUsual:
        return 0


def ingest_file(submission_id: int) -> None:
    """Read, check and store a submitted file; then evaluate. Safe to run again."""
    claimed = Submission.objects.filter(pk=submission_id, status=SubmissionStatus.RECEIVED, rows_done=0).update(
        status=SubmissionStatus.PROCESSING
    )
    submission = Submission.objects.select_related("enterprise").get(pk=submission_id)
    if not claimed and submission.rows_done:
        evaluate_submission(submission_id)
        return
    try:
        with transaction.atomic():
            stored = _ingest_staged(submission) or _ingest(submission, _file_rows(submission), progress=True)
            Submission.objects.filter(pk=submission_id).update(rows_total=stored, rows_done=stored)
    except RowsInvalid as exc:
        errors = [error.as_dict() for error in exc.errors]
        Submission.objects.filter(pk=submission_id).update(status=SubmissionStatus.FAILED, errors=errors)
        return
    finally:
        cache.delete(progress_key(submission_id))
    evaluate_submission(submission_id)


# Evaluation: set-based, in the database (the SQL is in monitoring.sql).


def evaluate_submission(submission_id: int) -> None:
    """Norm, ratio and severity for every result; alerts opened or extended; inspectors notified once.

    One transaction: a worker killed half-way leaves nothing behind, and a second run changes nothing.
    """
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission_id)
        if submission.status == SubmissionStatus.PROCESSED or not submission.rows_done:
            return
        with connection.cursor() as cursor:
            cursor.execute(sql.EVALUATE, {"submission": submission_id, "ruleset": current_ruleset().pk})
        # What had no norm is evaluated too: counted as such, never dropped.
        Result.objects.filter(submission_id=submission_id, evaluated=False).update(evaluated=True)
        alert_ids = _open_or_extend_alerts(submission_id)
        _notify_once(alert_ids)
        submission.status, submission.evaluated_at = SubmissionStatus.PROCESSED, timezone.now()
        submission.save(update_fields=["status", "evaluated_at"])
        enqueue_on_commit(tasks.send_notifications)
        periods = sorted(
            Result.objects.filter(submission_id=submission_id)
            .order_by()
            .values_list(ExtractYear("sampled_on"), "point__enterprise__region_id")
            .distinct()
        )
        transaction.on_commit(
            lambda: submission_evaluated.send(sender=Submission, submission_id=submission_id, periods=periods)
        )


def _open_or_extend_alerts(submission_id: int) -> list[int]:
    exceeding = Result.objects.filter(submission_id=submission_id, severity__gt=Severity.NONE)
    # order_by(): without it, Result's default ordering would make DISTINCT keep one row per result.
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
    alert_ids = list(exceeding.order_by().values_list("alert_id", flat=True).distinct())
    # Compliant results count too: they can end a persistent exceedance of an alert still open.
    series = set(
        Result.objects.filter(submission_id=submission_id).order_by().values_list("point_id", "pollutant_id").distinct()
    )
    candidates = Alert.objects.filter(status__in=OPEN_ALERT, point_id__in={point for point, _ in series})
    open_ids = [pk for pk, *pair in candidates.values_list("pk", "point_id", "pollutant_id") if tuple(pair) in series]
    with connection.cursor() as cursor:
        cursor.execute(sql.ALERT_TOTALS, {"submission": submission_id})
    for alert in Alert.objects.filter(pk__in={*alert_ids, *open_ids}):
        Alert.objects.filter(pk=alert.pk).update(persistent=_is_persistent(alert))
    return alert_ids


def _is_persistent(alert: Alert) -> bool:
    """The configurable rule for chronic exceedance: at least SHARE of the results of the last MONTHS exceed."""
    since = alert.last_sampled_at - timedelta(days=30.44 * settings.MONITORING_PERSISTENT_MONTHS)
    window = Result.objects.filter(
        point_id=alert.point_id, pollutant_id=alert.pollutant_id, sampled_at__gt=since, norm__isnull=False
    ).aggregate(total=Count("pk"), exceeding=Count("pk", filter=Q(severity__gt=Severity.NONE)))
    return bool(window["total"]) and window["exceeding"] / window["total"] >= settings.MONITORING_PERSISTENT_SHARE


def _notify_once(alert_ids: list[int]) -> None:
    alerts = Alert.objects.filter(pk__in=alert_ids).select_related("point__enterprise")
    inspectors = {}
    notifications = []
    for alert in alerts:
        region_id = alert.point.enterprise.region_id
        if region_id not in inspectors:
            inspectors[region_id] = list(
                User.objects.filter(inspector_assignments__region_id=region_id, is_active=True).values_list(
                    "pk", flat=True
                )
            )
        notifications += [Notification(alert=alert, recipient_id=user_id) for user_id in inspectors[region_id]]
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)


def send_notifications() -> int:
    """Send every unsent notification once: a row is claimed by a conditional UPDATE before its e-mail goes out."""
    stale = timezone.now() - timedelta(minutes=10)
    sent = 0
    pending = Notification.objects.filter(sent_at=None).filter(Q(claimed_at=None) | Q(claimed_at__lt=stale))
    for notification in pending.select_related("alert__point__enterprise", "alert__pollutant", "recipient"):
        claimed = Notification.objects.filter(
            pk=notification.pk, sent_at=None, claimed_at=notification.claimed_at
        ).update(claimed_at=timezone.now())
        if not claimed:
            continue
        alert = notification.alert
        if notification.recipient.email:
            subject = _("Exceedance: %(pollutant)s at %(point)s (%(enterprise)s)") % {
                "pollutant": alert.pollutant.code, "point": alert.point.code, "enterprise": alert.point.enterprise,
            }  # fmt: skip
            link = settings.SITE_URL + reverse("monitoring:alert-detail", args=[alert.pk])
            send_mail(subject, f"{subject}\n\n{link}", settings.DEFAULT_FROM_EMAIL, [notification.recipient.email])
        Notification.objects.filter(pk=notification.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


def sweep_unevaluated(*, older_than_seconds: int = 60) -> list[int]:
    """Submissions a broker outage or a lost worker left behind: enqueue them again."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = Submission.objects.filter(
        status__in=[SubmissionStatus.RECEIVED, SubmissionStatus.PROCESSING], received_at__lt=cutoff
    )
    ids = list(pending.values_list("pk", flat=True))
    unread_files = set(pending.filter(rows_done=0).exclude(file="").values_list("pk", flat=True))
    for submission_id in ids:
        task = tasks.ingest_file if submission_id in unread_files else tasks.evaluate_submission
        enqueue_on_commit(task, submission_id)
    return ids


# Alert workflow.

ALLOWED_MOVES = {
    AlertStatus.NEW: {AlertStatus.ACKNOWLEDGED, AlertStatus.INVESTIGATING, AlertStatus.RESOLVED, AlertStatus.DISMISSED},
    AlertStatus.ACKNOWLEDGED: {AlertStatus.INVESTIGATING, AlertStatus.RESOLVED, AlertStatus.DISMISSED},
    AlertStatus.INVESTIGATING: {AlertStatus.RESOLVED, AlertStatus.DISMISSED},
    AlertStatus.RESOLVED: set(),
    AlertStatus.DISMISSED: set(),
}


def _check_may_work(actor: User, alert: Alert) -> None:
    may_see = Alert.objects.restrict(actor).filter(pk=alert.pk).exists()
    if not (may_see and (actor.is_inspector or actor.is_administrator)):
        raise PermissionDenied(_("Only an inspector of the region works this alert."))


@transaction.atomic
def alert_update(
    *,
    actor: User,
    alert: Alert,
    status: str | None = None,
    comment: str = "",
    assign_to: User | None = None,
    seen_results: int | None = None,
) -> Alert:
    """`seen_results`: how many results the inspector saw; an alert is not closed over results they have not seen
    (an evaluation holds the alerts it extends until it commits, so they are counted here)."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    _check_may_work(actor, alert)
    if status and status != alert.status:
        if status not in ALLOWED_MOVES[alert.status]:
            raise ValidationError({"status": _("An alert that is %(old)s cannot become %(new)s.") % {
                "old": alert.get_status_display(), "new": AlertStatus(status).label}})  # fmt: skip
        if status == AlertStatus.DISMISSED and not comment.strip():
            raise ValidationError({"comment": _("Give the reason for dismissing the alert.")})
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
        if not (assign_to.is_inspector or assign_to.is_administrator):
            raise ValidationError({"assigned_to": _("Alerts are assigned to inspectors.")})
        if not Alert.objects.restrict(assign_to).filter(pk=alert.pk).exists():
            raise ValidationError({"assigned_to": _("%(user)s does not inspect this region.") % {"user": assign_to}})
        alert.assigned_to = assign_to
    alert.save()
    AlertEvent.objects.create(alert=alert, actor=actor, status=status or "", comment=comment.strip())
    return alert


@transaction.atomic
def point_create(*, actor: User, fields: dict[str, Any]) -> MonitoringPoint:
    _check_may_submit(actor, fields["enterprise"])
    point = MonitoringPoint(**fields)
    point.full_clean()
    point.save()
    return point
