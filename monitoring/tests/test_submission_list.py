"""GET /api/v1/monitoring/submissions/: a client's own submissions (an inspector's: their regions'), newest first,
filtered by status and the day received, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring.models import Submission
from monitoring.tests.helpers import SUBMISSIONS, make_point, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_enterprises(air, enterprise_a, enterprise_b, staff_a, staff_b, submit):
    make_point(enterprise_b, "AIR-1", "air")
    return {
        "a": [
            submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03"), row()]),
            submit(staff_a, enterprise_a, [row()]),
        ],
        "b": [submit(staff_b, enterprise_b, [row()])],
    }


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_staff_list_their_own_submissions_newest_first(two_enterprises, staff_a, client_for):
    response = client_for(staff_a).get(SUBMISSIONS)

    first, second = two_enterprises["a"]
    assert ids(response) == [second.pk, first.pk]
    item = response.json()["results"][1]
    assert item["status"] == "processed"
    assert item["counts"]["results"] == 2
    assert item["counts"]["exceeding"] == 1
    assert "errors" not in item


def test_inspectors_see_their_regions_submissions(two_enterprises, inspector, other_inspector, client_for):
    everyone = {submission.pk for submissions in two_enterprises.values() for submission in submissions}
    assert set(ids(client_for(inspector).get(SUBMISSIONS))) == everyone
    assert ids(client_for(other_inspector).get(SUBMISSIONS)) == []


def test_the_public_is_asked_to_authenticate(api_client):
    assert api_client.get(SUBMISSIONS).status_code == 401


def test_filtered_by_status_and_day(two_enterprises, staff_a, client_for):
    client = client_for(staff_a)
    first, second = two_enterprises["a"]
    Submission.objects.filter(pk=first.pk).update(
        status="failed", received_at=timezone.now() - datetime.timedelta(days=10)
    )
    today = timezone.localdate()

    assert ids(client.get(SUBMISSIONS, {"status": "failed"})) == [first.pk]
    assert ids(client.get(SUBMISSIONS, {"status": "processed"})) == [second.pk]
    assert ids(client.get(SUBMISSIONS, {"since": today.isoformat()})) == [second.pk]
    until = (today - datetime.timedelta(days=5)).isoformat()
    assert ids(client.get(SUBMISSIONS, {"until": until})) == [first.pk]
    assert client.get(SUBMISSIONS, {"status": "lost"}).status_code == 400


def test_the_list_costs_the_same_queries_however_long(air, enterprise_a, staff_a, submit, client_for):
    client = client_for(staff_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(SUBMISSIONS).status_code == 200
        return len(context.captured_queries)

    submit(staff_a, enterprise_a, [row()])
    few = queries()
    for _ in range(4):
        submit(staff_a, enterprise_a, [row(), row("AIR-1", "Cu", "0.03")])

    assert queries() == few
