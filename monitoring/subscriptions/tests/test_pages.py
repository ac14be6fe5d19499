"""The subscribe form: on the enterprise's public register page (and a city's regimes page), posted in place by
htmx or as a plain form without script; bad input answered with the form and the field's error, nothing stored."""

import pytest
from django.core import mail

from monitoring.subscriptions.models import Subscription

pytestmark = pytest.mark.django_db


def test_the_register_page_of_an_enterprise_offers_the_form(client, enterprise_a):
    page = client.get(f"/releases/register/enterprises/{enterprise_a.pk}/").content.decode()

    assert 'data-testid="subscribe"' in page
    assert f'name="enterprise" value="{enterprise_a.pk}"' in page
    assert 'action="/subscriptions/"' in page


def test_the_city_page_offers_the_form(client, city):
    page = client.get(f"/regimes/cities/{city.code}/").content.decode()

    assert f'name="city" value="{city.pk}"' in page


def test_without_script_the_form_leads_to_the_answer(client, enterprise_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/subscriptions/", {"email": "reader@example.kz", "enterprise": enterprise_a.pk})

    assert answer["Location"] == "/subscriptions/requested/"
    assert "a message with a link to confirm" in client.get(answer["Location"]).content.decode()
    assert Subscription.objects.get().email == "reader@example.kz"
    assert len(mail.outbox) == 1


def test_htmx_swaps_the_answer_in_place(client, enterprise_a):
    answer = client.post(
        "/subscriptions/", {"email": "reader@example.kz", "enterprise": enterprise_a.pk}, headers={"HX-Request": "true"}
    )

    assert answer.status_code == 200
    content = answer.content.decode()
    assert content.lstrip().startswith('<section class="subscribe"')
    assert 'data-testid="subscribe-requested"' in content


@pytest.mark.parametrize("htmx", [False, True])
def test_a_bad_address_is_shown_with_its_error_and_nothing_is_stored(client, enterprise_a, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    answer = client.post("/subscriptions/", {"email": "nobody", "enterprise": enterprise_a.pk}, headers=headers)

    assert answer.status_code == (200 if htmx else 400)
    content = answer.content.decode()
    assert 'id="subscribe-email-error"' in content
    assert 'aria-invalid="true"' in content
    assert 'value="nobody"' in content
    assert not Subscription.objects.exists()


def test_without_a_target_the_form_says_so(client):
    answer = client.post("/subscriptions/", {"email": "reader@example.kz", "enterprise": "999999"})

    assert answer.status_code == 400
    assert "Choose one city or one enterprise to follow." in answer.content.decode()
    assert client.get("/subscriptions/").status_code == 404


def test_the_form_alone(client, enterprise_a, city):
    for query in (f"enterprise={enterprise_a.pk}", f"city={city.pk}"):
        page = client.get(f"/subscriptions/?{query}")
        assert page.status_code == 200
        assert 'id="subscribe-email"' in page.content.decode()
