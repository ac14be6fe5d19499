"""Background work of continuous emission data. Thin: each task calls a service; all are idempotent. Services enqueue
these by name (portal.tasks.enqueue) and never import this module."""

from celery import shared_task

from monitoring.tasks import RETRY


@shared_task(acks_late=True, **RETRY)
def ingest_file(submission_id: int) -> None:
    from monitoring.emissions.services import submission_ingest_file

    submission_ingest_file(submission_id=submission_id)


@shared_task(acks_late=True)
def sweep_submissions() -> list[int]:
    """Beat, every minute: files left unread (monitoring.emissions.services.submissions_sweep)."""
    from monitoring.emissions.services import submissions_sweep

    return submissions_sweep()


@shared_task(acks_late=True)
def ensure_value_partitions() -> list[str]:
    """Beat, daily: the emission values' partitions of the coming months (monitoring.partitions)."""
    from monitoring.emissions.services import value_partitions_ensure

    return value_partitions_ensure()


@shared_task(acks_late=True)
def raise_silent_alerts() -> list[int]:
    """Beat, every 10 minutes: sources whose continuous monitoring has gone silent (monitoring.emissions.silence)."""
    from monitoring.emissions.silence import silent_alerts_raise

    return [alert.pk for alert in silent_alerts_raise()]
