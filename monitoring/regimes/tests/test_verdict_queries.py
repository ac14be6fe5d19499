"""A regime is verified in a fixed number of statements, whatever the number of its channels: both means of every
channel from one grouped read, the verdicts written in bulk. (An alert opened adds its inspectors' messages: one
insert per alert, the outbox's.)"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.regimes.signals import verdict_reached
from monitoring.regimes.tests.verdict_world import (
    make_channel,
    make_city,
    make_regime,
    make_stack,
    sox,
    week_then_window,
)
from monitoring.regimes.verification import regime_verify

pytestmark = pytest.mark.django_db


def _queries(enterprise, administrator, city_code: str, channels: int, shift: Decimal) -> int:
    substance = sox()
    city = make_city(enterprise, code=city_code, shift=shift)
    for index in range(channels):
        channel = make_channel(make_stack(enterprise, f"{city_code[:3]}{index}", shift=shift), substance)
        week_then_window(channel, 10.0, 6.0, by=administrator)
    regime = make_regime(city, administrator)
    with CaptureQueriesContext(connection) as captured:
        verdicts = regime_verify(regime_id=regime.pk)
    assert len(verdicts) == channels
    return len(captured)


@pytest.fixture
def _unheard(monkeypatch):
    """The listeners above this app (subscriptions) count their own statements."""
    monkeypatch.setattr(verdict_reached, "receivers", [])
    monkeypatch.setattr(verdict_reached, "sender_receivers_cache", {})


def test_the_statements_do_not_grow_with_the_channels(enterprise_a, enterprise_b, administrator, _unheard):
    few = _queries(enterprise_a, administrator, "few", 2, Decimal(0))
    many = _queries(enterprise_b, administrator, "many", 8, Decimal("0.5"))
    assert many == few
    assert few <= 30
