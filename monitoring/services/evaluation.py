"""Evaluation: set-based, in the database (the SQL is in monitoring.sql): norms, ratios and severities, alerts
opened or extended, inspectors notified once."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import ExtractYear
from django.utils import timezone

from monitoring import partitions, sql
from monitoring.models import (
    OPEN_ALERT,
    Alert,
    AlertKind,
    Result,
    Severity,
    Submission,
)
from monitoring.services.alerts import notify_once
from monitoring.signals import submission_evaluated
from monitoring.staging import Staged
from portal import audit, leases


def _sql_span(first: datetime | None, last: datetime | None) -> dict[str, Any]:
    """The span as raw SQL compares it with the stored times: as the database stores them (SQLite keeps naive UTC
    text, after which an aware value's "+00:00" would sort, leaving out a result taken at `first`); unbounded when
    unknown ("-infinity" and "infinity" are timestamps to PostgreSQL and, as text, sort around every date)."""
    adapt = connection.ops.adapt_datetimefield_value
    return {"first": adapt(first) if first else "-infinity", "last": adapt(last) if last else "infinity"}


def evaluate(submission_id: int, lease: leases.Lease, ruleset_id: int, *, staged: Staged | None = None) -> None:
    """Norm, ratio and severity for every result; alerts opened or extended; inspectors notified once.

    One transaction, which holds the submission's row until it commits: a worker killed half-way leaves nothing
    behind, and a second run changes nothing. `staged`: what the staged ingest that has just stored the results
    knows of them (monitoring.staging), so that a million of them are not read again for it.
    """
    with transaction.atomic():
        if not list(lease.rows().select_for_update().values_list("pk", flat=True)):
            raise leases.LeaseLost
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for setting in sql.BULK_SETTINGS:
                    cursor.execute(setting)
            first, last = Submission.objects.values_list("sampled_from", "sampled_to").get(pk=submission_id)
            cursor.execute(sql.EVALUATE, {"submission": submission_id, "ruleset": ruleset_id, **_sql_span(first, last)})
        mine = partitions.submission_results(submission_id)
        # What had no norm is evaluated too: counted as such, never dropped.
        mine.filter(evaluated=False).update(evaluated=True)
        alert_ids = _open_or_extend_alerts(submission_id, staged)
        _notify_once(alert_ids)
        lease.finish(evaluated_at=timezone.now())
        cells = None
        if staged is None:
            periods = sorted(mine.order_by().values_list(ExtractYear("sampled_on"), "enterprise__region_id").distinct())
        else:
            enterprise_id, region_id = Submission.objects.values_list("enterprise_id", "enterprise__region_id").get(
                pk=submission_id
            )
            periods = sorted({(year, region_id) for year, _, _ in staged.cells})
            cells = [(year, enterprise_id, point, pollutant) for year, point, pollutant in staged.cells]
        # In the transaction: the statistics' dirty mark commits with the evaluation (reports.aggregates).
        submission_evaluated.send(sender=Submission, submission_id=submission_id, periods=periods, cells=cells)


def _open_or_extend_alerts(submission_id: int, staged: Staged | None = None) -> list[int]:
    if staged:
        # A staged ingest stored each exceeding result with its alert, and brought the alerts' totals and
        # persistence up to date in its transaction (monitoring.staging).
        return staged.alert_ids
    # The point and pollutant of every result: compliant results count too, they can end a persistent exceedance
    # of an alert still open. order_by(): without it, Result's default ordering would make DISTINCT keep one row
    # per result.
    mine = partitions.submission_results(submission_id)
    series = set(mine.order_by().values_list("point_id", "pollutant_id").distinct())
    # Alerts are opened and updated here in bulk and by SQL: the audit trail compares them before and after.
    series_alerts = Alert.objects.filter(
        point_id__in={point for point, _ in series}, pollutant_id__in={pollutant for _, pollutant in series}
    )
    with audit.track(series_alerts):
        exceeding = mine.filter(severity__gt=Severity.NONE)
        new = exceeding.filter(alert=None).order_by().values_list("point_id", "pollutant_id", "enterprise_id")
        triples = list(new.distinct())
        # The open alerts these results join are held until commit: an inspector closing one waits, rather than
        # closing it under results it never saw (or leaving them with no alert).
        points, pollutants = {point for point, _, _ in triples}, {pollutant for _, pollutant, _ in triples}
        held = Alert.objects.filter(status__in=OPEN_ALERT, point_id__in=points, pollutant_id__in=pollutants)
        list(held.select_for_update(no_key=True).values_list("pk", flat=True))
        opened = [Alert(point_id=p, pollutant_id=q, enterprise_id=e, kind=AlertKind.EXCEEDANCE) for p, q, e in triples]
        Alert.objects.bulk_create(opened, ignore_conflicts=True)
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
    assert alert.point_id is not None and alert.pollutant_id is not None  # an exceedance's (alert_kind_fields)
    since = alert.last_sampled_at - window
    counts = Result.objects.filter(
        point_id=alert.point_id, pollutant_id=alert.pollutant_id, sampled_at__gt=since, norm__isnull=False
    ).aggregate(total=Count("pk"), exceeding=Count("pk", filter=Q(severity__gt=Severity.NONE)))
    return bool(counts["total"]) and counts["exceeding"] / counts["total"] >= settings.MONITORING_PERSISTENT_SHARE


def _notify_once(alert_ids: list[int]) -> None:
    notify_once(Alert.objects.filter(pk__in=alert_ids))
