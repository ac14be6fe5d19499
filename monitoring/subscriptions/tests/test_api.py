"""POST /api/v1/subscriptions/ (public): 202 with the same answer each time; bad input 400 naming the field, nothing
stored; past SUBSCRIBE_RATE per client address (the page's requests counted too) 429 with Retry-After."""

import pytest

from monitoring.subscriptions.models import Subscription, SubscriptionStatus
from monitoring.subscriptions.tests.helpers import SUBSCRIBE_API
from portal.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_a_city_or_an_enterprise_by_its_key(api_client, enterprise_a, city):
    for body in (
        {"email": "a@example.kz", "enterprise": enterprise_a.bin},
        {"email": "a@example.kz", "city": city.code},
    ):
        answer = api_client.post(SUBSCRIBE_API, body, format="json")
        assert answer.status_code == 202, answer.content
        assert answer.json()["detail"].startswith("If this address can receive our e-mails")
    assert set(Subscription.objects.values_list("status", flat=True)) == {SubscriptionStatus.PENDING}
    assert Subscription.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"email": "not an address", "enterprise": "BIN"}, "email", "invalid"),
        ({"email": "a@example.kz\x00", "enterprise": "BIN"}, "email", "control_character"),
        ({"email": "a" * 250 + "@example.kz", "enterprise": "BIN"}, "email", "max_length"),
        ({"enterprise": "BIN"}, "email", "required"),
        ({"email": "a@example.kz", "enterprise": "000000000000"}, "enterprise", "does_not_exist"),
        ({"email": "a@example.kz", "city": "atlantis"}, "city", "does_not_exist"),
        ({"email": "a@example.kz"}, "enterprise", "required"),
        ({"email": "a@example.kz"}, "city", "required"),
        ({"email": "a@example.kz", "enterprise": "BIN", "city": "CITY"}, "enterprise", "invalid"),
    ],
)
def test_bad_input_is_refused_naming_its_field(api_client, enterprise_a, city, body, field, code):
    body = {name: value.replace("BIN", enterprise_a.bin).replace("CITY", city.code) for name, value in body.items()}

    answer = api_client.post(SUBSCRIBE_API, body, format="json")

    assert answer.status_code == 400
    assert (field, code) in {(error["field"], error["code"]) for error in answer.json()["errors"]}
    assert not Subscription.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_past_the_rate_the_address_waits(api_client, client, enterprise_a, settings):
    settings.SUBSCRIBE_RATE = "3/hour"
    body = {"email": "a@example.kz", "enterprise": enterprise_a.bin}
    assert client.post("/subscriptions/", {"email": "a@example.kz", "enterprise": enterprise_a.pk}).status_code == 302
    for _ in range(2):
        assert api_client.post(SUBSCRIBE_API, body, format="json").status_code == 202

    refused = api_client.post(SUBSCRIBE_API, body, format="json")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["errors"][0]["code"] == "throttled"
    page = client.post("/subscriptions/", {"email": "a@example.kz", "enterprise": enterprise_a.pk})
    assert page.status_code == 429
