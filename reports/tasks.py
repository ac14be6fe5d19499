"""Background work of the statistics. Thin: enqueued by name (portal.tasks.enqueue); each imports the code it
runs inside its body, so that no module of the app imports this one back."""

from celery import shared_task
from django.db import OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=8)
def refresh_aggregates() -> int:
    from reports.aggregates import refresh_dirty

    return refresh_dirty()


@shared_task(acks_late=True)
def sweep_aggregate_marks() -> bool:
    from reports.aggregates import sweep_marks

    return sweep_marks()


@shared_task(acks_late=True)
def check_aggregates() -> int:
    """Nightly: the incremental aggregates compared with a fresh rebuild, every difference logged and repaired."""
    from reports.aggregates import check_against_rebuild

    return len(check_against_rebuild(repair=True))


@shared_task(acks_late=True)
def generate_report(report_id: int) -> None:
    from reports.services import report_generate

    report_generate(report_id=report_id)


@shared_task(acks_late=True)
def sweep_reports() -> list[int]:
    """Beat: reports a broker outage, a lost worker or a failed attempt left unfinished (portal.leases)."""
    from reports.services import reports_sweep

    return reports_sweep()
