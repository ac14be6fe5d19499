"""Tasks of the regimes: thin, taking ids; each imports its service inside (docs/architecture.md, "Apps")."""

from celery import shared_task

from portal.tasks import enqueue


@shared_task(acks_late=True)
def verify_regimes() -> int:
    """Hourly (beat): one `verify_regime` per regime running or ended without a final verification; returns how
    many were enqueued."""
    from monitoring.regimes.verification import regimes_due

    ids = list(regimes_due().values_list("pk", flat=True))
    for regime_id in ids:
        enqueue("monitoring.regimes.tasks.verify_regime", regime_id)
    return len(ids)


@shared_task(acks_late=True)
def verify_regime(regime_id: int) -> None:
    """Idempotent: the verification holds the regime's row and updates its verdicts and alerts in place."""
    from monitoring.regimes.verification import regime_verify

    regime_verify(regime_id=regime_id)
