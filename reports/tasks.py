from celery import shared_task
from django.db import OperationalError

from reports import aggregates


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=8)
def refresh_aggregates() -> int:
    return aggregates.refresh_dirty()


@shared_task(acks_late=True)
def rebuild_aggregates() -> dict[str, int]:
    return aggregates.rebuild_all()
