"""A sampling time typed into the form without an offset is the local time of the point: its region's zone, with
the offset of that date (Kazakhstan kept UTC+6 in the east and UTC+5 in the west until 1 March 2024, UTC+5 since),
and the form says which zone and how it read each time."""

import pytest

from monitoring.models import Result
from monitoring.tests.helpers import make_point, row
from monitoring.tests.test_manual_form import form_data
from registry.tests.factories import EnterpriseFactory, MembershipFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def west(reference):
    """An enterprise of a western region (Aktobe's zone) with an air point."""
    enterprise = EnterpriseFactory(name="West LLP", region=RegionFactory(time_zone="Asia/Aqtobe"))
    make_point(enterprise, "AIR-1", "air")
    return enterprise


@pytest.fixture
def east(reference):
    enterprise = EnterpriseFactory(name="East LLP", region=RegionFactory(time_zone="Asia/Almaty"))
    make_point(enterprise, "AIR-1", "air")
    return enterprise


@pytest.fixture
def post(web, django_capture_on_commit_callbacks):
    def do(enterprise, sampled_at, value="0.001", **kwargs):
        user = MembershipFactory(enterprise=enterprise).user
        data = form_data(enterprise, [row("AIR-1", "Cu", value, sampled_at=sampled_at)])
        with django_capture_on_commit_callbacks(execute=True):
            return web(user).post("/monitoring/submit/", data, **kwargs)

    return do


def stored(enterprise) -> str:
    return Result.objects.get(point__enterprise=enterprise).sampled_at.isoformat()


@pytest.mark.parametrize(
    ("side", "sampled_at", "utc"),
    [
        ("west", "2023-06-01 10:00", "2023-06-01T05:00:00+00:00"),  # UTC+5
        ("east", "2023-06-01 10:00", "2023-06-01T04:00:00+00:00"),  # UTC+6 until March 2024
        ("west", "2025-06-01 10:00", "2025-06-01T05:00:00+00:00"),  # one time since: UTC+5
        ("east", "2025-06-01 10:00", "2025-06-01T05:00:00+00:00"),
    ],
)
def test_a_time_without_an_offset_is_the_local_time_of_the_point_on_that_date(request, post, side, sampled_at, utc):
    enterprise = request.getfixturevalue(side)

    assert post(enterprise, sampled_at).status_code == 302
    assert stored(enterprise) == utc


def test_a_time_with_an_offset_is_kept_as_written(west, post):
    assert post(west, "2023-06-01T10:00:00+06:00").status_code == 302
    assert stored(west) == "2023-06-01T04:00:00+00:00"


def test_the_form_names_the_zone_of_the_points(west, web):
    user = MembershipFactory(enterprise=west).user

    response = web(user).get("/monitoring/submit/")

    assert "its region's time zone, Asia/Aqtobe, with the offset of the sampling date (UTC+5 today" in (
        response.content.decode()
    )
    help_text = response.context["formset"].forms[0].fields["sampled_at"].help_text
    assert help_text == (
        "e.g. 2026-11-25 10:00; without an offset, the local time of the point (Asia/Aqtobe) on that date"
    )


def test_the_confirmation_says_how_the_time_was_read(east, post):
    response = post(east, "2023-06-01 10:00", follow=True)

    assert "Row 1: 2023-06-01 10:00, the local time of the point (Asia/Almaty, UTC+6 on that date)." in (
        response.content.decode()
    )


def test_an_error_page_shows_how_the_time_was_read(west, post):
    response = post(west, "2023-06-01 10:00", value="-1")

    assert response.status_code == 400
    page = response.content.decode()
    assert "Row 1, value: a concentration cannot be negative (-1)." in page
    assert "Row 1: 2023-06-01 10:00, the local time of the point (Asia/Aqtobe, UTC+5 on that date)." in page


def test_a_local_time_the_zone_repeated_needs_an_offset(east, post):
    """At midnight on 1 March 2024 Asia/Almaty went back to 23:00: 23:30 on 29 February happened twice."""
    response = post(east, "2024-02-29 23:30")

    assert response.status_code == 400
    assert "Row 1, sampled_at: give the time zone, e.g. +05:00." in response.content.decode()
    assert not Result.objects.exists()
