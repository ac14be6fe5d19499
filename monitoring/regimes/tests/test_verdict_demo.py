"""The acceptance demo (monitoring.regimes.demo, on the demo smelter): the 2nd-degree regime over Ust-Kamenogorsk
in November 2024 has three final verdicts, 35 % (passed), 8 % (short, an alert) and not measured (an alert), which
the public and the demo inspector read on the regime page, the smelter's verdicts page and the API, each with the
chart's hourly rates."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from monitoring.models import Alert, AlertKind
from monitoring.regimes.demo import ENDS, STARTS, load_regimes_demo
from monitoring.regimes.models import Verdict
from portal.models import User
from registry.demo import load_demo
from registry.releases.demo import load_releases_demo

pytestmark = pytest.mark.django_db

EXPECTED = {"0001": ("passed", "35.0 %"), "0002": ("short", "8.0 %"), "0003": ("not_measured", "—")}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Loaded once for the module (twice: the second load changes nothing), rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        load_releases_demo()
        load_regimes_demo()
        yield load_regimes_demo()
        transaction.set_rollback(True)


@pytest.fixture
def regime(demo, db):
    return demo


def test_three_final_verdicts_and_two_alerts(regime):
    verdicts = {v.source.code: v for v in Verdict.objects.filter(regime=regime)}
    assert {code: v.status for code, v in verdicts.items()} == {code: s for code, (s, _) in EXPECTED.items()}
    assert all(v.final and v.required_value == Decimal("0.2") for v in verdicts.values())
    assert verdicts["0001"].achieved_cut == pytest.approx(0.35, abs=1e-5)
    assert verdicts["0002"].achieved_cut == pytest.approx(0.08, abs=1e-5)
    assert (verdicts["0001"].during_count, verdicts["0001"].baseline_count) == (72, 168)
    assert verdicts["0003"].during_count == 0 and verdicts["0003"].baseline_count == 168
    alerts = Alert.objects.filter(window_start=STARTS, window_end=ENDS)
    assert sorted(alerts.values_list("source__code", "kind")) == [
        ("0002", AlertKind.CUT_SHORT),
        ("0003", AlertKind.NOT_MEASURED),
    ]
    assert Verdict.objects.count() == 3 and Alert.objects.filter(kind__in=["cut_short", "not_measured"]).count() == 2


@pytest.mark.parametrize("who", [None, "inspector"])
def test_the_public_and_the_inspector_read_the_verdicts(regime, web, client_for, who):
    user = User.objects.get(username=who) if who else None
    smelter_id = Verdict.objects.filter(regime=regime).values_list("source__enterprise_id", flat=True)[0]
    for url in (reverse("regimes:detail", args=[regime.pk]), reverse("regimes:enterprise-verdicts", args=[smelter_id])):
        page = web(user).get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        for code in EXPECTED:
            assert f'data-testid="verdict-{code}-SOx"' in html
        assert "35.0 %" in html and "8.0 %" in html and "20 %" in html and "72 intervals" in html
        assert "verdict_chart.js" in html
        # The alerts are linked for the inspector only.
        assert ("Alert #" in html) == (who == "inspector")
    answer = client_for(user).get(f"/api/v1/regimes/{regime.pk}/verdicts/")
    assert answer.status_code == 200
    rows = {row["source"]: row for row in answer.json()["results"]}
    assert {code: row["status"] for code, row in rows.items()} == {code: s for code, (s, _) in EXPECTED.items()}
    assert rows["0001"]["achieved_cut"].startswith("0.35") and rows["0001"]["required_cut"] == "0.2000"
    assert rows["0003"]["reason"] == "no_data_during" and rows["0003"]["achieved_cut"] is None
    # The chart's hourly rates: the baseline week, the regime (none from 0003) and two days after.
    for code, hours in (("0001", 12 * 24), ("0003", 9 * 24)):
        verdict = Verdict.objects.get(regime=regime, source__code=code)
        series = web(user).get(reverse("regimes:verdict-series", args=[verdict.pk])).json()
        assert len(series["hours"]) == hours
        assert datetime.datetime.fromisoformat(series["starts_at"]) == STARTS


def test_the_inspector_works_the_two_alerts(regime, web):
    inspector = web(User.objects.get(username="inspector"))
    listed = inspector.get(reverse("monitoring:alert-list")).content.decode()
    for alert in Alert.objects.filter(window_start=STARTS):
        assert reverse("monitoring:alert-detail", args=[alert.pk]) in listed
        assert inspector.get(reverse("monitoring:alert-detail", args=[alert.pk])).status_code == 200
