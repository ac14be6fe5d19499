"""What the release register tells the layers above it (monitoring's compliance, reports' aggregates and caches),
which connect their handlers in their own apps; this app does not know who listens.

Each is sent with `report=` (a `ReleaseReport`, its `enterprise` loaded), from inside the transaction that made the
change, as returns' signals are (`registry.returns.services._announce`): a handler's own rows (a dirty mark, an
alert) then commit with the change or not at all; work beyond the database is enqueued by the handler on commit
(`portal.tasks.enqueue`)."""

from django.dispatch import Signal

# A version was accepted: `report.accepted` is that version, its lines the figures that count and are published.
release_accepted = Signal()
# A submitted version went back to the enterprise for correction; `report.accepted` (an earlier version) is unchanged.
release_sent_back = Signal()
# A version was submitted and awaits a decision.
release_submitted = Signal()
