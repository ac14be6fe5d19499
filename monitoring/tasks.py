"""Background work of monitoring. Thin: each task takes ids and calls a service; all are idempotent.

Services enqueue these by name (portal.tasks.enqueue) and never import this module; each task imports its service
inside its body, so that no module of the app imports this one back."""

from typing import TypedDict

from celery import shared_task
from django.db import OperationalError as DatabaseOperationalError


class RetryOptions(TypedDict):
    autoretry_for: tuple[type[Exception], ...]
    retry_backoff: bool
    retry_backoff_max: int
    max_retries: int


TRANSIENT = (DatabaseOperationalError, ConnectionError)
RETRY = RetryOptions(autoretry_for=TRANSIENT, retry_backoff=True, retry_backoff_max=60, max_retries=8)


@shared_task(acks_late=True, **RETRY)
def evaluate_submission(submission_id: int) -> None:
    from monitoring.services import submission_evaluate

    submission_evaluate(submission_id=submission_id)


@shared_task(acks_late=True, **RETRY)
def ingest_file(submission_id: int) -> None:
    from monitoring.services import submission_ingest_file

    submission_ingest_file(submission_id=submission_id)


@shared_task(acks_late=True)
def sweep_unevaluated() -> list[int]:
    """Beat: anything a broker outage or a lost worker left unevaluated."""
    from monitoring.services import submissions_sweep_unevaluated

    return submissions_sweep_unevaluated()


@shared_task(acks_late=True)
def ensure_result_partitions() -> list[str]:
    """Beat, daily: the results table's partitions of the coming months (monitoring.partitions)."""
    from monitoring.partitions import ensure_result_partitions

    return ensure_result_partitions()
