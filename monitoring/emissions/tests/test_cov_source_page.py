"""A source's continuous-data page and the coverage API: for whoever sees the source (published: everyone); the
submissions and alerts only for the enterprise's own readers; a bad period is a 400 naming its field."""

import datetime
import json
import re

import pytest

from monitoring.emissions import services
from monitoring.emissions.models import Channel
from monitoring.emissions.tests.conftest import START, row
from monitoring.emissions.tests.cov_helpers import every, store
from registry.permits.tests.factories import EmissionSourceFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
API = "/api/v1/emissions/coverage/"


@pytest.fixture
def data(channels, limit, staff_a, enterprise_a):
    """A day of SO2 before START, one interval at 2 g/s (over the 1.5 g/s limit), sent through the API with a gap."""
    so2, _nox = channels
    store(so2, every(so2, START - 24 * HOUR, START - 2 * HOUR), staff_a)
    services.submission_create(
        actor=staff_a, enterprise=enterprise_a, rows=[row(-60, value="2.0"), row(-20, value="1.0")]
    )
    return so2.source


def page(client, source, query=""):
    return client.get(f"/emissions/sources/{source.pk}/{query}")


def test_the_public_reads_a_published_source(web, data):
    answer = page(web(None), data, "?month=2025-01&year=2025&window=1m&substance=SO2")
    assert answer.status_code == 200
    assert [channel.substance.code for channel in answer.context["channels"]] == ["NOx", "SO2"]
    days = answer.context["days"].by_period()
    assert len(days) == 31
    january_14 = [(cell.expected, cell.received) for cell in days[13][1]]
    assert january_14 == [(24, 0), (72, 42)]
    assert '<td class="num">42 / 72 <small class="error">58.3 %</small></td>' in answer.content.decode()
    assert len(answer.context["months"].periods) == 12
    series = json.loads(
        re.search(r'<script id="series" type="application/json">(.*?)</script>', answer.content.decode())[1]
    )
    assert series and {point["mpc"] for point in series} == {1.5}
    assert [point["severity"] for point in series if point["v"] == 2.0] == [1]
    assert answer.context["submissions"] is None and b'data-testid="submissions"' not in answer.content  # never public
    assert b'data-testid="source-alerts"' not in answer.content


def test_the_enterprise_reads_its_submissions_with_their_gaps_and_alerts(web, staff_a, inspector, data):
    for reader in (staff_a, inspector):
        answer = page(web(reader), data)
        # The values stored straight, and the two sent through the API with 09:20 missing between them.
        assert [
            [(gap["substance"], gap["intervals"]) for gap in item.gaps] for item in answer.context["submissions"]
        ] == [[("SO2", 1)], []]
        assert [alert.kind for alert in answer.context["alerts"]] == ["rate_over_limit"]
        assert b'data-testid="submissions"' in answer.content and b'data-testid="source-alerts"' in answer.content


def test_an_unpublished_source(web, staff_a, staff_b, enterprise_a, so2):
    hidden = EmissionSourceFactory(enterprise=enterprise_a, code="0009", is_published=False)
    Channel.objects.create(source=hidden, substance=so2, interval_minutes=60, since=START)
    assert page(web(None), hidden).status_code == 404
    assert page(web(staff_b), hidden).status_code == 404
    assert page(web(staff_a), hidden).status_code == 200


@pytest.mark.parametrize("query", ["?month=2025-13", "?month=2999-01", "?year=1800", "?since=2999-01-01"])
def test_a_bad_period_is_refused_with_the_form(web, data, query):
    answer = page(web(None), data, query)
    assert answer.status_code == 400 and b'class="error"' in answer.content


def test_the_coverage_api(client_for, data, staff_b):
    so2 = data.channels.get(substance__code="SO2")
    answer = client_for(None).get(API, {"source": data.pk, "month": "2025-01"})
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["source"], body["source_code"], body["by"], body["period"]) == (data.pk, "0001", "day", "2025-01")
    channel = next(item for item in body["channels"] if item["substance"] == "SO2")
    assert channel["channel"] == so2.pk and len(channel["periods"]) == 31
    day14 = next(item for item in channel["periods"] if item["period"] == "2025-01-14")
    assert (day14["expected"], day14["received"], day14["missing"], day14["share"]) == (72, 42, 30, "0.583333333333")
    year = client_for(staff_b).get(API, {"source": data.pk, "year": 2024}).json()
    assert year["by"] == "month" and [item["period"] for item in year["channels"][0]["periods"]][-1] == "2024-12"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"month": "2025-1"}, "month"),
        ({"year": "2999"}, "year"),
        ({"source": ""}, "source"),
        ({"month": "2025-01", "year": 2025}, "year"),
    ],
)
def test_the_coverage_api_names_a_bad_parameter(client_for, data, query, field):
    answer = client_for(None).get(API, {"source": data.pk, **query})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == field


def test_the_coverage_api_hides_an_unpublished_source(client_for, staff_a, staff_b, enterprise_a):
    hidden = EmissionSourceFactory(enterprise=enterprise_a, code="0009", is_published=False)
    assert client_for(None).get(API, {"source": hidden.pk}).status_code == 404
    assert client_for(staff_b).get(API, {"source": hidden.pk}).status_code == 404
    assert client_for(staff_a).get(API, {"source": hidden.pk}).status_code == 200
