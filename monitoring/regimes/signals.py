"""What the regimes tell the layers above them (monitoring.subscriptions), which connect their handlers in their own
apps; this app does not know who listens.

Sent from inside the transaction that made the change, as the registry's signals are: a handler's own rows (outbox
messages to subscribers) then commit with the regime or not at all; work beyond the database is enqueued on commit
(`portal.tasks.enqueue`)."""

from django.dispatch import Signal

# A regime was declared, with `regime=` (a Regime, its city loaded); the enterprises with a source in the city have
# already been given their messages in the same transaction.
regime_declared = Signal()
# Final verdicts were stored (the regime had ended when it was verified), with `verdicts=` (the run's Verdicts, each
# with its source and substance loaded); sent once per run, and again for the same verdicts when a run stores them
# again, so that a listener reads what it needs for all of them in one query.
verdict_reached = Signal()
