from typing import Any

from django.dispatch import Signal

from registry.releases.models import ReleaseReport
from registry.releases.signals import release_accepted

# Sent after the transaction that evaluated a submission commits, with `submission_id` and `periods`:
# the (year, region_id) pairs its results fall in, and `cells`: the (year, enterprise_id, point_id, pollutant_id) of
# its results when the evaluation knows them without reading them (after a staged ingest), else None. The
# statistics (reports app) listen.
submission_evaluated = Signal()

# Sent in the transaction that opened or extended alerts, once their inspectors' messages are stored
# (monitoring.services.alerts.notify_once, the one step every path that opens alerts goes through: an evaluation,
# set-based after a staged ingest or not, an accepted release report, the continuous data and the regimes'
# verdicts), with `alerts`: the Alert rows (enterprise loaded). An extended alert is sent again: a receiver keys
# what it stores by the alert, so that each alert tells its listeners once.
alert_opened = Signal()


def on_release_accepted(sender: Any, *, report: ReleaseReport, **kwargs: Any) -> None:
    """A year's release report accepted: its releases over their permit's limits open alerts (in the accepting
    transaction)."""
    from monitoring.services.compliance import over_limit_alerts  # monitoring.services imports this module

    over_limit_alerts(report=report)


def connect() -> None:
    """Called from the app's ready(): the register below does not know who listens."""
    release_accepted.connect(on_release_accepted, dispatch_uid="monitoring.over_limit")
