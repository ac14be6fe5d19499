"""The list of emission values pages by the values' key (source, substance, interval_start, enterprise), the order of
its index: `next` and `previous` links, no count; every page lies within a window of local days (today and a month
before unless given) and reads only that window's partitions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.emissions import filters
from monitoring.emissions.models import EmissionValue
from monitoring.emissions.partitions import VALUES
from monitoring.emissions.tests.conftest import row
from portal.tests.plans import scanned_by

pytestmark = pytest.mark.django_db

URL = "/api/v1/emissions/values/"
JANUARY = {"since": "2025-01-01", "until": "2025-01-31"}


@pytest.fixture
def values(client_for, staff_a, enterprise_a, channels, limit):
    """On 2025-01-15 from 10:00 local time: SO2 every 20 minutes (ten values), NOx hourly (four)."""
    rows = [row(minutes) for minutes in range(0, 181, 20)]
    rows += [row(minutes, substance="NOx") for minutes in range(0, 181, 60)]
    answer = client_for(staff_a).post(URL, {"enterprise": enterprise_a.bin, "values": rows}, format="json")
    assert answer.status_code == 201, answer.content
    return list(
        EmissionValue.objects.order_by("source_id", "substance_id", "interval_start").values_list("pk", flat=True)
    )


def get(client, url, params=None) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def walk(client, body: dict, link: str) -> list[list[int]]:
    pages = [[item["id"] for item in body["results"]]]
    while body[link]:
        body = get(client, body[link])
        pages.append([item["id"] for item in body["results"]])
    return pages


def test_pages_follow_each_other_without_gaps_or_repeats(values, inspector, client_for):
    client = client_for(inspector)
    first = get(client, URL, {**JANUARY, "page_size": 4})
    assert set(first) == {"next", "previous", "results"} and first["previous"] is None

    pages = walk(client, first, "next")
    assert [len(page) for page in pages] == [4, 4, 4, 2]
    assert [pk for page in pages for pk in page] == values  # a channel in time order, then the next channel

    last = get(client, URL, {**JANUARY, "page_size": 4})
    while last["next"]:
        last = get(client, last["next"])
    assert walk(client, last, "previous") == pages[::-1]


def test_a_value_stored_meanwhile_neither_repeats_nor_shifts_a_page(values, staff_a, enterprise_a, client_for):
    client = client_for(staff_a)
    first = get(client, URL, {**JANUARY, "page_size": 5})
    # Before the first page's rows, and among the next page's.
    late = [row(-20), row(200)]
    assert client.post(URL, {"enterprise": enterprise_a.bin, "values": late}, format="json").status_code == 201

    second = get(client, first["next"])
    new = EmissionValue.objects.get(interval_start__gt=datetime.datetime.fromisoformat(row(180)["interval_start"]))
    assert [item["id"] for item in second["results"]] == values[5:10] and second["next"]
    rest = [pk for page in walk(client, get(client, second["next"]), "next") for pk in page]
    assert rest == [new.pk, *values[10:]]


def test_the_window_is_given_or_a_month_to_today(values, staff_a, client_for, monkeypatch):
    client = client_for(staff_a)
    assert get(client, URL, {"since": "2025-01-16"})["results"] == []
    assert len(get(client, URL, {"since": "2025-01-15", "until": "2025-01-15"})["results"]) == 14
    assert get(client, URL)["results"] == []  # today's month: none
    monkeypatch.setattr(filters, "local_today", lambda: datetime.date(2025, 2, 14))
    assert len(get(client, URL)["results"]) == 14
    assert get(client, URL, {"until": "2025-01-14"})["results"] == []


@pytest.mark.parametrize(
    "cursor", ["nonsense", "W10=", "WzEsIDIsIDMsIDBd", "WzEsIDIsICIyMDI1LTAxLTE1VDEwOjAwIiwgMSwgMF0="]
)
def test_a_bad_cursor_or_a_page_number_is_refused(values, staff_a, client_for, cursor):
    client = client_for(staff_a)
    response = client.get(URL, {"cursor": cursor})
    assert response.status_code == 400 and "cursor" in response.content.decode()
    response = client.get(URL, {"page": "2"})
    assert response.status_code == 400 and "page" in response.content.decode()


def test_a_page_costs_a_few_queries_however_deep(values, staff_a, client_for):
    client = client_for(staff_a)
    with CaptureQueriesContext(connection) as first:
        body = get(client, URL, {**JANUARY, "page_size": 2})
    for _ in range(4):
        body = get(client, body["next"])
    with CaptureQueriesContext(connection) as deep:
        get(client, body["next"])

    assert len(deep.captured_queries) == len(first.captured_queries) <= 6
    assert not any("COUNT(" in query["sql"].upper() for query in deep.captured_queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions and plans are PostgreSQL's")
@pytest.mark.parametrize("params", [{"since": "2025-01-10", "until": "2025-01-20"}, {}])
def test_a_page_reads_only_the_windows_partitions(values, staff_a, client_for, monkeypatch, params):
    VALUES.ensure(months=[(2024, month) for month in range(10, 13)] + [(2025, month) for month in range(1, 5)])
    monkeypatch.setattr(filters, "local_today", lambda: datetime.date(2025, 1, 20))
    client = client_for(staff_a)
    body = get(client, URL, {**params, "page_size": 3})
    with CaptureQueriesContext(connection) as captured:
        get(client, body["next"])

    (page,) = [query["sql"] for query in captured.captured_queries if 'FROM "emissions_value"' in query["sql"]]
    partitions = {table for table in scanned_by(page) if table.startswith("emissions_value_p")}
    # Given days: their month; none given: a month to today, 2024-12-20 to 2025-01-20.
    assert partitions == (
        {"emissions_value_p2025_01"} if params else {"emissions_value_p2024_12", "emissions_value_p2025_01"}
    )
