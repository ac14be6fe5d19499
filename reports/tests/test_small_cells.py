"""No small cells: the public monitoring statistics count published points only, and suppress a cell resting on
fewer than STATISTICS_MIN_CELL points or enterprises (statistical confidentiality)."""

import pytest

from monitoring import services as monitoring_services
from monitoring.models import MonitoringPoint
from monitoring.reference import load_monitoring_reference
from registry.models import Region
from registry.reference import load_regions
from registry.tests.factories import EnterpriseFactory, MembershipFactory
from reports.models import MonitoringAggregate

pytestmark = pytest.mark.django_db
API = "/api/v1/stats/monitoring/"


@pytest.fixture(autouse=True)
def reference(db):
    load_regions()
    load_monitoring_reference()


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """One enterprise of Karaganda, with one monitoring point (published or not) and one copper result in the air."""

    def make(value, *, published=True):
        enterprise = EnterpriseFactory(region=Region.objects.get(iso_code="KZ-35"))
        staff = MembershipFactory(enterprise=enterprise).user
        point = MonitoringPoint.objects.create(
            enterprise=enterprise, code="AIR-1", medium="air", latitude="46.84", longitude="74.98",
            is_published=published,
        )  # fmt: skip
        row = {"point": "AIR-1", "pollutant": "Cu", "sampled_at": "2024-05-01T10:00:00+05:00", "value": value,
               "unit": "mg/m3", "averaging": "daily"}  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            monitoring_services.submission_create(actor=staff, enterprise=enterprise, rows=[row])
        return point

    return make


def test_an_unpublished_points_results_are_not_in_the_public_statistics(client, submit, settings):
    settings.STATISTICS_MIN_CELL = 1
    submit("0.4321", published=False)

    response = client.get(API, {"region": "KZ-35"})

    assert response.json()["count"] == 0
    assert "0.4321" not in response.content.decode()


def test_a_cell_of_fewer_than_three_enterprises_is_suppressed(client, submit):
    submit("0.4321")
    submit("0.01")

    (record,) = client.get(API, {"region": "KZ-35"}).json()["results"]

    assert record["suppressed"] == "small_cell"
    assert (record["year"], record["pollutant"], record["medium"]) == (2024, "Cu", "air")
    figures = ("results", "mean", "maximum", "exceeding", "exceeding_share", "high", "extreme", "points", "enterprises")
    assert all(record[name] is None for name in figures)


def test_a_cell_of_three_enterprises_is_shown(client, submit):
    for value in ("0.4321", "0.01", "0.02"):
        submit(value)

    (record,) = client.get(API, {"region": "KZ-35"}).json()["results"]

    assert record["suppressed"] is None
    assert (record["results"], record["enterprises"], record["maximum"]) == (3, 3, "0.432100000000")


def test_the_smallest_cell_is_a_setting(client, submit, settings):
    settings.STATISTICS_MIN_CELL = 1
    submit("0.4321")

    (record,) = client.get(API, {"region": "KZ-35"}).json()["results"]

    assert record["maximum"] == "0.432100000000"


def test_withdrawing_a_point_takes_its_results_out(submit, settings, django_capture_on_commit_callbacks):
    settings.STATISTICS_MIN_CELL = 1
    point = submit("0.4321")
    assert MonitoringAggregate.objects.get().results == 1

    point.is_published = False
    with django_capture_on_commit_callbacks(execute=True):
        point.save(update_fields=["is_published"])

    assert not MonitoringAggregate.objects.exists()


def test_the_region_page_shows_suppressed_not_the_figures(client, submit):
    submit("0.4321")

    html = client.get("/statistics/regions/KZ-35/").content.decode()

    assert 'data-testid="suppressed"' in html
    assert "0.4321" not in html
