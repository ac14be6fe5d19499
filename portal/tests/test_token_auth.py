import pytest
from rest_framework.authtoken.models import Token

from portal.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def test_token_for_username_and_password(api_client, staff_a):
    response = api_client.post(TOKEN_URL, {"username": "staff_a", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    assert set(response.data) == {"token"}
    assert response.data["token"] == Token.objects.get(user=staff_a).key


def test_token_is_stable_across_requests(api_client, staff_a):
    first = api_client.post(TOKEN_URL, {"username": "staff_a", "password": PASSWORD}).data["token"]
    second = api_client.post(TOKEN_URL, {"username": "staff_a", "password": PASSWORD}).data["token"]
    assert first == second


@pytest.mark.parametrize(
    "credentials",
    [{"username": "staff_a", "password": "wrong-password"}, {"username": "nobody", "password": PASSWORD}, {}],
)
def test_no_token_for_bad_credentials(api_client, staff_a, credentials):
    response = api_client.post(TOKEN_URL, credentials, format="json")

    assert response.status_code == 400
    assert "token" not in response.data
    assert not Token.objects.exists()


def test_inactive_user_gets_no_token(api_client, staff_a):
    staff_a.is_active = False
    staff_a.save()
    response = api_client.post(TOKEN_URL, {"username": "staff_a", "password": PASSWORD}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("length", [151, 256, 1000])
def test_overlong_username_is_a_client_error(api_client, length):
    """The failed attempt is logged by django-axes, whose username column holds 255 characters."""
    response = api_client.post(TOKEN_URL, {"username": "u" * length, "password": "wrong-password"}, format="json")
    assert response.status_code == 400
