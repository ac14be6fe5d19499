"""The point chart shows a window of time, not the point's whole history: by default the twelve months up to its
newest result, or a preset or dates asked for; beyond RAW_POINTS results each local day's minimum, mean and maximum,
computed by the database; a bounded number of queries however long the history."""

# ruff: noqa: RUF001 (Kazakh and Russian text)

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from monitoring import selectors
from monitoring.tests.helpers import json_script, row
from monitoring.windows import Window, WindowForm, local_today, months_before

pytestmark = pytest.mark.django_db

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
# A fixed past: the windows below are read from these days, whatever day the tests run.
NEWEST = datetime.datetime(2025, 6, 15, 12, 0, tzinfo=ALMATY)


def at(days: float = 0, hours: float = 0) -> str:
    return (NEWEST + datetime.timedelta(days=days, hours=hours)).isoformat()


def chart(client, point, **params):
    response = client.get(f"/monitoring/points/{point.pk}/Cu/", params)
    return response, json_script(response.content.decode(), "series") if response.status_code == 200 else None


@pytest.fixture
def history(air, staff_a, enterprise_a, submit):
    """Cu at AIR-1: the newest result, one 11 months before, one 13 months before, one 6 years before."""
    submit(
        staff_a,
        enterprise_a,
        [
            row("AIR-1", "Cu", "0.001", sampled_at=at()),
            row("AIR-1", "Cu", "0.0012", sampled_at=at(days=-335)),
            row("AIR-1", "Cu", "0.03", sampled_at=at(days=-400)),
            row("AIR-1", "Cu", "0.0014", sampled_at=at(days=-6 * 366)),
        ],
    )


def values(series) -> list[float]:
    return [round(item["v"], 6) for item in series]


def test_the_default_is_the_twelve_months_up_to_the_newest_result(history, air, inspector, web):
    response, series = chart(web(inspector), air)

    assert response.status_code == 200
    assert values(series) == [0.0012, 0.001]
    assert response.context["window"] == Window(datetime.date(2024, 6, 16), datetime.date(2025, 6, 15), "12m")
    assert "From June 16, 2024 to June 15, 2025" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"window": "1m"}, [0.001]),
        ({"window": "5y"}, [0.03, 0.0012, 0.001]),
        ({"window": "all"}, [0.0014, 0.03, 0.0012, 0.001]),
        ({"since": "2024-05-01", "until": "2024-12-31"}, [0.03, 0.0012]),
        ({"since": "2024-05-01"}, [0.03, 0.0012, 0.001]),  # to the newest result
        ({"until": "2024-07-31"}, [0.03, 0.0012]),  # twelve months back
        ({"window": "all", "until": "2024-07-31"}, [0.0014, 0.03, 0.0012]),
    ],
)
def test_a_window_asked_for(history, air, inspector, web, params, shown):
    response, series = chart(web(inspector), air, **params)

    assert response.status_code == 200
    assert values(series) == shown


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"window": "10y"}, "window"),
        ({"since": "1899-12-31"}, "since"),
        ({"until": "2999-01-01"}, "until"),
        ({"since": "2025-01-02", "until": "2025-01-01"}, "until"),
        ({"since": "yesterday"}, "since"),
    ],
)
def test_a_window_out_of_bounds_is_refused_naming_the_field(history, air, inspector, web, params, field):
    response = web(inspector).get(f"/monitoring/points/{air.pk}/Cu/", params)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert json_script(response.content.decode(), "series") == []
    assert web(inspector).get(f"/monitoring/points/{air.pk}/Cu/", {**params, "format": "csv"}).status_code == 400


def test_a_point_without_results_shows_the_twelve_months_up_to_today(air, inspector, web):
    response, series = chart(web(inspector), air)

    assert response.status_code == 200
    assert series == []
    assert response.context["window"].last == local_today()
    assert "No results in this period." in response.content.decode()


def test_months_before_keeps_the_day_or_the_months_last():
    assert months_before(datetime.date(2025, 3, 31), 1) == datetime.date(2025, 2, 28)
    assert months_before(datetime.date(2025, 1, 15), 12) == datetime.date(2024, 1, 15)
    assert months_before(datetime.date(2024, 2, 29), 60) == datetime.date(2019, 2, 28)


def test_a_long_window_shows_each_local_days_minimum_mean_and_maximum(
    air, staff_a, enterprise_a, submit, inspector, web, monkeypatch
):
    monkeypatch.setattr(selectors, "RAW_POINTS", 3)
    submit(
        staff_a,
        enterprise_a,
        [
            # 14 June, local time: 23:30 is 18:30 UTC, the same UTC day as the next result but not the same local day.
            row("AIR-1", "Cu", "0.001", sampled_at=at(days=-1, hours=11.5)),
            row("AIR-1", "Cu", "0.003", sampled_at=at(days=-1, hours=-4)),
            # 15 June.
            row("AIR-1", "Cu", "0.0015", sampled_at=at(hours=-11.5)),
            row("AIR-1", "Cu", "0.0005", sampled_at=at()),
            row("AIR-1", "Cu", "0.0010", sampled_at=at(hours=1)),
        ],
    )

    response, series = chart(web(inspector), air)

    assert response.context["daily"] is True
    assert 'data-daily="1"' in response.content.decode()
    assert [
        (day["t"], day["low"], day["mean"], day["high"], day["mpc"], day["severity"], day["n"]) for day in series
    ] == [
        ("2025-06-14", 0.001, pytest.approx(0.002), 0.003, pytest.approx(0.002), 1, 2),
        ("2025-06-15", 0.0005, pytest.approx(0.001), 0.0015, pytest.approx(0.002), 0, 3),
    ]
    # A window of few results still shows each of them.
    response, series = chart(web(inspector), air, since="2025-06-14", until="2025-06-14")
    assert response.context["daily"] is False
    assert values(series) == [0.003, 0.001]


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_chart_costs_the_same_queries_however_long_the_history(
    air, staff_a, enterprise_a, submit, inspector, web, monkeypatch
):
    monkeypatch.setattr(selectors, "RAW_POINTS", 5)
    client = web(inspector)
    url = f"/monitoring/points/{air.pk}/Cu/"
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.001", sampled_at=at(days=-day)) for day in range(3)])
    raw = queries(client, url)
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.001", sampled_at=at(days=-day)) for day in range(3, 300)])
    daily = queries(client, url)

    assert daily == raw
    assert queries(client, url + "?window=all") == raw


@pytest.mark.parametrize(
    ("params", "selected"),
    [
        ({}, "12m"),
        ({"window": "5y"}, "5y"),
        ({"since": "2025-01-01", "window": "5y"}, ""),
        ({"until": "2025-01-01"}, "12m"),
    ],
)
def test_the_control_shows_what_is_shown(history, air, inspector, web, params, selected):
    page = web(inspector).get(f"/monitoring/points/{air.pk}/Cu/", params).content.decode()

    assert f'<option value="{selected}" selected>' in page


@pytest.mark.parametrize(
    ("language", "bounds"),
    [
        ("en", "from Jan. 1, 1900 to June 15, 2025."),
        ("ru", "с 1 января 1900 г. по 15 июня 2025 г."),
        ("kk", "01.01.1900 бастап 15.06.2025 дейінгі"),
    ],
)
def test_the_bounds_of_a_date_are_written_in_the_readers_language(monkeypatch, language, bounds):
    monkeypatch.setattr("monitoring.windows.local_today", lambda: NEWEST.date())
    with translation.override(language):
        form = WindowForm({"since": "1899-12-31"}, anchor=NEWEST.date())
        (message,) = form.errors["since"]

    assert bounds in message
    assert "1900-01-01" not in message
    assert not message.endswith("..")
