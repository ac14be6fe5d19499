"""Background work of returns. Thin: run by beat, or enqueued by name (portal.tasks.enqueue); the service is
imported inside the task, so that no module of the app imports this one back."""

from celery import shared_task


@shared_task(acks_late=True)
def remind_filers() -> int:
    """Beat, daily: reminders to the staff of enterprises whose return is due or overdue (each sent once)."""
    from registry.returns.services import filing_reminders_create

    return filing_reminders_create()
