from celery import shared_task
from django.db import OperationalError

from reports import aggregates, services


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=8)
def refresh_aggregates() -> int:
    return aggregates.refresh_dirty()


@shared_task(acks_late=True)
def rebuild_aggregates() -> dict[str, int]:
    return aggregates.rebuild_all()


@shared_task(acks_late=True)
def generate_report(report_id: int) -> None:
    services.report_generate(report_id)
