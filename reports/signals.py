"""reports listens to registry and monitoring; they do not know it exists."""

from typing import Any

from django.apps import apps
from django.db.models.signals import post_delete, post_migrate, post_save

from monitoring.models import MonitoringPoint
from monitoring.signals import submission_evaluated
from registry.models import Deposit, DepositComponent, DepositSurvey, Enterprise, Region
from registry.signals import return_accepted
from reports import cache as stats_cache
from reports.aggregates import mark_dirty
from reports.models import PublishedSeries, PublishedValue, YearReference

# Rows shown on the cached public pages (reports.cache.CACHED_VIEWS) besides the aggregates, whose recompute
# invalidates the cache itself. Every write to them goes through save() or delete(), in the services, the
# reference loaders or the admin, so these signals see them all.
PUBLIC_MODELS = (Region, Enterprise, Deposit, DepositSurvey, DepositComponent, MonitoringPoint, PublishedSeries,
                 PublishedValue, YearReference)  # fmt: skip


def on_return_accepted(sender: Any, *, year: int, region_id: int, **kwargs: Any) -> None:
    mark_dirty("waste", [(year, region_id)])
    stats_cache.invalidate()  # the enterprise page reads accepted returns directly, without waiting for the refresh


def on_submission_evaluated(sender: Any, *, periods: list[tuple[int, int]], **kwargs: Any) -> None:
    mark_dirty("monitoring", periods)


def on_public_row_changed(sender: Any, **kwargs: Any) -> None:
    stats_cache.invalidate()


def on_migrated(sender: Any, **kwargs: Any) -> None:
    """A deploy runs migrate: pages cached by the previous release (its templates, its static file names) go."""
    stats_cache.invalidate()


def connect() -> None:
    return_accepted.connect(on_return_accepted, dispatch_uid="reports.waste")
    submission_evaluated.connect(on_submission_evaluated, dispatch_uid="reports.monitoring")
    for model in PUBLIC_MODELS:
        for signal in (post_save, post_delete):
            signal.connect(on_public_row_changed, sender=model, dispatch_uid=f"reports.cache.{model._meta.label}")
    post_migrate.connect(on_migrated, sender=apps.get_app_config("reports"), dispatch_uid="reports.cache.migrate")
