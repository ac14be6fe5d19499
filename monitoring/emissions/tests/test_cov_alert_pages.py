"""The alert list and an alert's page show each kind of a source's alert readably: its source, substance and figures
(rate over the g/s limit, silent, cut short, not measured); the inspectors' message names them too."""

# ruff: noqa: RUF001 (the multiplication sign and the en dash the pages write)

import datetime
import re
from decimal import Decimal

import pytest

from monitoring.emissions.tests.conftest import START
from monitoring.models import Alert, AlertKind
from monitoring.services.alerts import notify_once
from portal import outbox
from portal.models import OutboxMessage

pytestmark = pytest.mark.django_db

END = START + datetime.timedelta(days=3)


@pytest.fixture
def alerts(stack, so2, enterprise_a):
    common = {"enterprise": enterprise_a, "source": stack}
    return {
        "rate_over_limit": Alert.objects.create(
            kind=AlertKind.RATE_OVER_LIMIT, substance=so2, permitted_gs=Decimal("1.5"), peak_gs=Decimal("3.75"),
            result_count=4, last_sampled_at=START, **common,
        ),
        "silent": Alert.objects.create(
            kind=AlertKind.SILENT, silent_since=START, result_count=9, last_sampled_at=END, **common
        ),
        "cut_short": Alert.objects.create(
            kind=AlertKind.CUT_SHORT, substance=so2, window_start=START, window_end=END,
            achieved_cut=Decimal("0.08"), required_cut=Decimal("0.2"), **common,
        ),
        "not_measured": Alert.objects.create(
            kind=AlertKind.NOT_MEASURED, substance=so2, window_start=START, window_end=END,
            required_cut=Decimal("0.2"), **common,
        ),
    }  # fmt: skip


def text(content: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content.decode()))


def test_the_list_shows_each_kind(web, inspector, alerts):
    shown = text(web(inspector).get("/monitoring/alerts/").content)
    assert "0001 source SO2" in shown
    assert "rate over the limit 2.50× limit" in shown
    assert "silent since 2025-01-15 10:00" in shown
    assert "cut short 8.0 % of 20 % required" in shown
    assert "cut not measured — of 20 % required" in shown
    assert "all channels" in shown  # a silent source has no substance


@pytest.mark.parametrize(
    ("kind", "figures"),
    [
        ("rate_over_limit", ["Limit, g/s 1.5", "Highest rate, g/s 3.75", "Ratio 2.50×", "Intervals over the limit 4"]),
        ("silent", ["Silent since 2025-01-15 10:00", "Intervals missed 9", "Last found silent 2025-01-18 10:00"]),
        ("cut_short", ["Achieved cut 8.0 %", "Required cut 20 %", "Regime 2025-01-15 10:00 – 2025-01-18 10:00"]),
        ("not_measured", ["Achieved cut not measured", "Required cut 20 %"]),
    ],
)
def test_the_page_shows_its_figures(web, inspector, alerts, kind, figures):
    alert = alerts[kind]
    answer = web(inspector).get(f"/monitoring/alerts/{alert.pk}/")
    assert answer.status_code == 200
    shown = text(answer.content)
    assert "Source 0001 · Stack 0001" in shown
    for figure in figures:
        assert figure in shown
    assert f'href="/emissions/sources/{alert.source_id}/' in answer.content.decode()


def test_the_inspectors_are_told_what_it_is(alerts, inspector):
    notify_once(Alert.objects.filter(pk__in=[alert.pk for alert in alerts.values()]))
    subjects = sorted(
        outbox.render(message).subject
        for message in OutboxMessage.objects.filter(recipient=inspector, channel="in_app")
    )
    assert subjects == [
        "Adverse-weather cut not measured: SO2 from source 0001, 2025-01-15 10:00 to 2025-01-18 10:00 "
        "(Enterprise A LLP)",
        "Adverse-weather cut short: SO2 from source 0001 cut by 8.0 % of the 20.0 % required (Enterprise A LLP)",
        "Continuous monitoring silent: source 0001 has sent nothing since 2025-01-15 10:00 (Enterprise A LLP)",
        "Emission rate over the permit's limit of 1.5 g/s: SO2 from source 0001 (Enterprise A LLP)",
    ]
