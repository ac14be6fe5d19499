"""The results and exceedances APIs page by key (sampled_at, id), newest first: `next` and `previous` links, no
count and no page numbers; a page is the same rows whatever is inserted meanwhile; a bad cursor is a 400 naming it;
a page costs the same queries however deep."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.tests.helpers import BASE_TIME, EXCEEDANCES, row, when

pytestmark = pytest.mark.django_db

RESULTS = "/api/v1/monitoring/results/"


def sampled(hours: float) -> str:
    return when(BASE_TIME - datetime.timedelta(hours=hours))


@pytest.fixture
def seven(air, staff_a, enterprise_a, submit):
    """Seven exceedances of Cu at AIR-1, an hour apart (the newest first: 0.0301 ... 0.0307), and two results of
    another pollutant sampled at the same time as the newest, so that the key's id orders ties."""
    submit(
        staff_a, enterprise_a, [row("AIR-1", "Cu", f"0.030{hour + 1}", sampled_at=sampled(hour)) for hour in range(7)]
    )
    submit(staff_a, enterprise_a, [row("AIR-1", pollutant, "0.5", sampled_at=sampled(0)) for pollutant in ("Zn", "Pb")])


def page(client, url, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def follow(client, link: str) -> dict:
    response = client.get(link)
    assert response.status_code == 200, response.content
    return response.json()


def values(body) -> list[str]:
    return [item["value"].rstrip("0") for item in body["results"]]


def test_pages_by_key_forward_and_back(seven, inspector, client_for):
    client = client_for(inspector)

    first = page(client, EXCEEDANCES, pollutant="Cu", page_size=3)
    assert set(first) == {"next", "previous", "results"}
    assert values(first) == ["0.0301", "0.0302", "0.0303"]
    assert first["previous"] is None
    second = follow(client, first["next"])
    assert values(second) == ["0.0304", "0.0305", "0.0306"]
    assert "pollutant=Cu" in second["next"] and "page_size=3" in second["next"]
    last = follow(client, second["next"])
    assert values(last) == ["0.0307"]
    assert last["next"] is None
    back = follow(client, last["previous"])
    assert values(back) == ["0.0304", "0.0305", "0.0306"]
    assert values(follow(client, back["previous"])) == ["0.0301", "0.0302", "0.0303"]
    assert follow(client, back["previous"])["previous"] is None


def test_ties_in_time_are_ordered_by_id(seven, inspector, client_for):
    client = client_for(inspector)
    seen = []
    body = page(client, RESULTS, page_size=1)
    while True:
        seen.append((body["results"][0]["pollutant"], body["results"][0]["sampled_at"]))
        if not body["next"]:
            break
        body = follow(client, body["next"])

    assert len(seen) == len(set(seen)) == 9
    assert [pollutant for pollutant, _at in seen[:3]] == ["Pb", "Zn", "Cu"]  # the same time: the newest id first


def test_no_row_repeats_or_is_skipped_when_results_arrive(seven, staff_a, enterprise_a, inspector, client_for, submit):
    client = client_for(inspector)
    first = page(client, EXCEEDANCES, pollutant="Cu", page_size=3)

    # A newer result (which would push the first page's last row onto a numbered second page), and an older one
    # among the next page's rows.
    submit(
        staff_a,
        enterprise_a,
        [row("AIR-1", "Cu", "0.04", sampled_at=sampled(-1)), row("AIR-1", "Cu", "0.05", sampled_at=sampled(3.5))],
    )

    assert values(follow(client, first["next"])) == ["0.0304", "0.05", "0.0305"]
    assert values(page(client, EXCEEDANCES, pollutant="Cu", page_size=3)) == ["0.04", "0.0301", "0.0302"]


@pytest.mark.parametrize("cursor", ["nonsense", "W10=", "WyIyMDI1LTAxLTAxIiwgMSwgMF0="])
def test_a_bad_cursor_or_a_page_number_is_refused(seven, inspector, client_for, cursor):
    client = client_for(inspector)

    response = client.get(EXCEEDANCES, {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.content.decode()
    response = client.get(RESULTS, {"page": "2"})
    assert response.status_code == 400
    assert "page" in response.content.decode()


def test_a_deep_page_costs_the_same_queries(seven, inspector, client_for):
    client = client_for(inspector)

    with CaptureQueriesContext(connection) as first:
        body = page(client, RESULTS, page_size=2)
    deeper = follow(client, body["next"])["next"]
    with CaptureQueriesContext(connection) as deep:
        follow(client, deeper)

    assert len(deep.captured_queries) == len(first.captured_queries)


def test_the_schema_describes_cursor_pages(client_for, administrator):
    schema = client_for(administrator).get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"][EXCEEDANCES]["get"]

    assert {"cursor", "page_size"} <= {parameter["name"] for parameter in operation["parameters"]}
    assert "page" not in {parameter["name"] for parameter in operation["parameters"]}
