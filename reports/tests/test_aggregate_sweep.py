"""Marks a lost enqueue (broker down) or a killed refresh left behind are refreshed by the minute sweep."""

import pytest

from reports.aggregates import mark_dirty, sweep_marks
from reports.models import DirtyAggregate

pytestmark = pytest.mark.django_db


def test_the_sweep_asks_for_a_refresh_while_marks_remain(region, monkeypatch):
    enqueued = []
    monkeypatch.setattr("reports.aggregates.refresh.enqueue", lambda name, *args: enqueued.append(name))

    assert sweep_marks() is False
    mark_dirty("waste", [(2023, region.pk)])  # its own enqueue is lost (recorded here, never run)
    assert DirtyAggregate.objects.count() == 1

    assert sweep_marks() is True
    assert enqueued == ["reports.tasks.refresh_aggregates", "reports.tasks.refresh_aggregates"]
