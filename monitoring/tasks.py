"""Background work of monitoring. Thin: each task takes ids and calls a service; all are idempotent."""

from celery import shared_task
from django.db import OperationalError as DatabaseOperationalError

from monitoring import services

TRANSIENT = (DatabaseOperationalError, ConnectionError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": True, "retry_backoff_max": 60, "max_retries": 8}


@shared_task(acks_late=True, **RETRY)
def evaluate_submission(submission_id: int) -> None:
    services.evaluate_submission(submission_id)


@shared_task(acks_late=True, **RETRY)
def ingest_file(submission_id: int) -> None:
    services.ingest_file(submission_id)


@shared_task(acks_late=True, **RETRY)
def send_notifications() -> int:
    return services.send_notifications()


@shared_task(acks_late=True)
def sweep_unevaluated() -> list[int]:
    """Beat: anything a broker outage or a lost worker left unevaluated."""
    return services.sweep_unevaluated()
