"""Channels: the staff of the source's enterprise register and change them by form and API; every refusal names its
field and saves nothing; each change is in the source's history."""

import datetime

import pytest

from monitoring.emissions.models import Channel
from monitoring.emissions.tests.conftest import START
from monitoring.emissions.tests.cov_helpers import store
from portal.models import ChangeRecord
from registry.permits.tests.factories import EmissionSourceFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/emissions/channels/"
SINCE = "2024-12-01T00:00:00+05:00"


def body(source, **more):
    return {"source": source.pk, "substance": "SO2", "interval_minutes": 20, "since": SINCE, **more}


def test_staff_register_by_api_and_the_change_is_recorded(client_for, staff_a, stack, so2):
    answer = client_for(staff_a).post(API, body(stack, silent_after_minutes=60), format="json")
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert (data["source"], data["source_code"], data["substance"], data["interval_minutes"]) == (
        stack.pk, "0001", "SO2", 20
    )  # fmt: skip
    channel = Channel.objects.get()
    assert channel.silent_after_minutes == 60 and channel.is_active
    assert ChangeRecord.objects.filter(object_id=str(channel.pk)).exists()


def test_who_may_register(client_for, staff_b, inspector, stack, so2, enterprise_a):
    hidden = EmissionSourceFactory(enterprise=enterprise_a, code="0009", is_published=False)
    assert client_for(staff_b).post(API, body(stack), format="json").status_code == 403
    assert client_for(inspector).post(API, body(stack), format="json").status_code == 403
    # Another enterprise's unpublished source is not found, as it does not exist.
    answer = client_for(staff_b).post(API, body(hidden), format="json")
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "source"
    assert client_for(None).post(API, body(stack), format="json").status_code == 401
    assert not Channel.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"interval_minutes": 15}, "interval_minutes", "invalid_choice"),
        ({"since": "2999-01-01T00:00:00+05:00"}, "since", "future"),
        ({"since": "2024-12-01T00:00:00"}, "since", "time_zone_required"),
        ({"silent_after_minutes": 10}, "silent_after_minutes", "silent_after_range"),
        ({"silent_after_minutes": 20_000}, "silent_after_minutes", "silent_after_range"),
        ({"substance": "XX"}, "substance", "does_not_exist"),
    ],
)
def test_bad_input_names_its_field(client_for, staff_a, stack, so2, change, field, code):
    answer = client_for(staff_a).post(API, body(stack, **change), format="json")
    assert answer.status_code == 400
    assert [(error["field"], error["code"]) for error in answer.json()["errors"]] == [(field, code)]
    assert not Channel.objects.exists()


def test_one_channel_per_substance_and_none_on_a_water_outlet(client_for, staff_a, stack, so2, enterprise_a):
    client = client_for(staff_a)
    assert client.post(API, body(stack), format="json").status_code == 201
    again = client.post(API, body(stack, interval_minutes=60), format="json")
    assert again.status_code == 400 and again.json()["errors"][0]["field"] == "substance"
    outlet = EmissionSourceFactory(enterprise=enterprise_a, water=True)
    water = client.post(API, body(outlet), format="json")
    assert water.status_code == 400 and water.json()["errors"][0]["code"] == "not_air"
    assert Channel.objects.count() == 1


def test_change_by_api_keeps_the_interval_once_values_exist(client_for, staff_a, channels):
    so2, _nox = channels
    client = client_for(staff_a)
    answer = client.patch(f"{API}{so2.pk}/", {"silent_after_minutes": 240, "is_active": False}, format="json")
    assert answer.status_code == 200, answer.json()
    so2.refresh_from_db()
    assert (so2.silent_after_minutes, so2.is_active) == (240, False)
    assert client.patch(f"{API}{so2.pk}/", {"interval_minutes": 30}, format="json").status_code == 200
    store(so2, [START], staff_a)
    refused = client.patch(f"{API}{so2.pk}/", {"interval_minutes": 60}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "has_values"
    so2.refresh_from_db()
    assert so2.interval_minutes == 30


def test_read_like_the_source(client_for, staff_b, channels, enterprise_a, so2):
    hidden = EmissionSourceFactory(enterprise=enterprise_a, code="0009", is_published=False)
    secret = Channel.objects.create(source=hidden, substance=so2, interval_minutes=60, since=START)
    public = client_for(None).get(API).json()
    assert {row["id"] for row in public["results"]} == {channel.pk for channel in channels}
    assert client_for(staff_b).get(f"{API}{secret.pk}/").status_code == 404
    assert client_for(None).get(f"{API}?source={channels[0].source_id}&substance=NOx").json()["count"] == 1


def test_the_form_pages(web, staff_a, stack, so2):
    browser = web(staff_a)
    new = f"/emissions/sources/{stack.pk}/channels/new/"
    assert browser.get(new).status_code == 200
    form = {"substance": so2.pk, "interval_minutes": 20, "since": "2024-12-01T10:00", "silent_after_minutes": ""}
    answer = browser.post(new, {**form, "is_active": "on"})
    assert answer.status_code == 302 and answer["Location"] == f"/emissions/sources/{stack.pk}/"
    channel = Channel.objects.get()
    assert channel.since == datetime.datetime(2024, 12, 1, 5, 0, tzinfo=datetime.UTC)  # read in Asia/Almaty
    # The same substance again: the form again with the error on its field, nothing saved.
    again = browser.post(new, {**form, "is_active": "on"})
    assert again.status_code == 200 and "already has a channel" in again.content.decode()
    edit = f"/emissions/channels/{channel.pk}/edit/"
    assert (
        browser.post(edit, {"interval_minutes": 60, "since": "2024-12-01T10:00", "silent_after_minutes": "90"})[
            "Location"
        ]
        == f"/emissions/sources/{stack.pk}/"
    )
    channel.refresh_from_db()
    assert (channel.interval_minutes, channel.silent_after_minutes, channel.is_active) == (60, 90, False)


def test_the_form_pages_refuse_others(web, staff_b, inspector, stack):
    assert web(staff_b).get(f"/emissions/sources/{stack.pk}/channels/new/").status_code == 403
    assert web(inspector).get(f"/emissions/sources/{stack.pk}/channels/new/").status_code == 403
