import logging

from celery import Task, shared_task
from django.core import management
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from portal.celery import app

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def clear_expired_sessions() -> None:
    """Nightly housekeeping; idempotent, so a redelivered task is harmless."""
    management.call_command("clearsessions")


@shared_task(acks_late=True)
def send_outbox() -> int:
    """Enqueued when messages are stored, and by beat every minute: sends what is due (each row claimed once)."""
    from portal.outbox import send_due

    return send_due()


def enqueue(task_name: str, *args: object) -> None:
    """Send the task registered as `task_name` (e.g. "monitoring.tasks.evaluate_submission") once the current
    transaction commits. Services name the task rather than import it: task modules import services, so the
    dependency runs one way only. If the broker cannot be reached, the data is already saved: log it and leave
    the work to the periodic sweep rather than fail the request."""

    def send() -> None:
        task = registered_task(task_name)
        try:
            task.apply_async(args=args, retry=False)
        except (OperationalError, RedisError, OSError) as exc:
            logger.warning("broker unreachable, %s%s left to the sweep: %s", task_name, args, exc)

    transaction.on_commit(send)


def registered_task(task_name: str) -> Task:
    """The task of that name from the Celery app's registry (so that eager mode runs it in this process).
    The worker imports every app's tasks module when it starts; the web process imports none of them itself,
    so the first lookup imports them the same way (Celery's autodiscovery over INSTALLED_APPS)."""
    if task_name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[task_name]
