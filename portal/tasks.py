import logging

from celery import Task, shared_task
from django.core import management
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def clear_expired_sessions() -> None:
    """Nightly housekeeping; idempotent, so a redelivered task is harmless."""
    management.call_command("clearsessions")


def enqueue_on_commit(task: Task, *args: object) -> None:
    """Send `task` once the current transaction commits. If the broker cannot be reached, the data is
    already saved: log it and leave the work to the periodic sweep rather than fail the request."""

    def send() -> None:
        try:
            task.apply_async(args=args, retry=False)
        except (OperationalError, RedisError, OSError) as exc:
            logger.warning("broker unreachable, %s%s left to the sweep: %s", task.name, args, exc)

    transaction.on_commit(send)
