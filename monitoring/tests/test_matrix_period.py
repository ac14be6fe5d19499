"""The pollutant x point matrix covers a period, by default the twelve months up to today: its counts and statuses
are of the results sampled then; an open alert is today's state and shows whatever the period."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.models import Alert, AlertStatus
from monitoring.tests.helpers import make_point, row, when
from monitoring.tests.test_matrix import matrix
from monitoring.windows import local_today, months_before

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=800)


@pytest.fixture
def old_and_new(points, staff_a, enterprise_a, submit):
    submit(
        staff_a,
        enterprise_a,
        [
            row("AIR-1", "Cu", "0.001"),  # within, recent
            row("AIR-1", "Cu", "0.03", sampled_at=when(LONG_AGO)),  # exceeded, two years ago; its alert resolved
            row("SOIL-1", "Zn", "10", "mg/kg", sampled_at=when(LONG_AGO)),  # only long ago
        ],
    )
    Alert.objects.update(status=AlertStatus.RESOLVED)


def url(enterprise) -> str:
    return f"/monitoring/enterprises/{enterprise.pk}/matrix/"


def test_the_default_period_is_the_last_twelve_months(old_and_new, enterprise_a, inspector, web):
    response = web(inspector).get(url(enterprise_a))

    assert response.status_code == 200
    cells = matrix(response.content.decode())
    assert list(cells) == ["Cu"]  # Zn only long ago
    assert [(status, count) for status, _mark, _name, count in cells["Cu"]] == [("ok", "1"), ("none", ""), ("none", "")]
    first = months_before(local_today(), 12) + datetime.timedelta(days=1)
    # The cells link to the charts of the same days.
    assert f"/Cu/?since={first.isoformat()}&amp;until={local_today().isoformat()}" in response.content.decode()


def test_a_longer_period(old_and_new, enterprise_a, inspector, web):
    cells = matrix(web(inspector).get(url(enterprise_a), {"window": "5y"}).content.decode())

    assert cells["Cu"][0][::3] == ("exceeded", "2")
    assert cells["Zn"][2][::3] == ("ok", "1")


def test_an_open_alert_shows_whatever_the_period(points, staff_a, enterprise_a, submit, inspector, web):
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03", sampled_at=when(LONG_AGO))])

    cells = matrix(web(inspector).get(url(enterprise_a)).content.decode())

    assert cells["Cu"][0][::3] == ("alert", "0")


def test_a_period_out_of_bounds_is_refused(old_and_new, enterprise_a, inspector, web):
    response = web(inspector).get(url(enterprise_a), {"since": "2030-01-01"})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["since"]


def test_the_matrix_costs_the_same_queries_however_many_results(points, staff_a, enterprise_a, submit, inspector, web):
    client = web(inspector)
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.001")])
    with CaptureQueriesContext(connection) as few:
        client.get(url(enterprise_a))
    make_point(enterprise_a, "AIR-2", "air")
    submit(staff_a, enterprise_a, [row(code, p, "0.001") for code in ("AIR-1", "AIR-2") for p in ("Cu", "Pb") * 5])
    with CaptureQueriesContext(connection) as many:
        client.get(url(enterprise_a), {"window": "all"})

    assert len(many.captured_queries) == len(few.captured_queries)
