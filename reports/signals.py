"""reports listens to registry and monitoring; they do not know it exists."""

from typing import Any

from monitoring.signals import submission_evaluated
from registry.signals import return_accepted
from reports.aggregates import mark_dirty


def on_return_accepted(sender: Any, *, year: int, region_id: int, **kwargs: Any) -> None:
    mark_dirty("waste", [(year, region_id)])


def on_submission_evaluated(sender: Any, *, periods: list[tuple[int, int]], **kwargs: Any) -> None:
    mark_dirty("monitoring", periods)


def connect() -> None:
    return_accepted.connect(on_return_accepted, dispatch_uid="reports.waste")
    submission_evaluated.connect(on_submission_evaluated, dispatch_uid="reports.monitoring")
