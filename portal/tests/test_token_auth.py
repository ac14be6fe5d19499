import pytest
from rest_framework.authtoken.models import Token

from portal.tests.factories import PASSWORD
from registry.tests.factories import DepositFactory

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


def test_token_authorises_a_write(api_client, staff_a, enterprise_a):
    deposit = DepositFactory(operator=enterprise_a, notes="")
    token = api_client.post(TOKEN_URL, {"username": "staff_a", "password": PASSWORD}).data["token"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.patch(f"/api/v1/registry/deposits/{deposit.pk}/", {"notes": "by token"}, format="json")

    assert response.status_code == 200, response.data
    deposit.refresh_from_db()
    assert deposit.notes == "by token"


def test_write_without_credentials_asks_for_a_token(api_client, enterprise_a):
    deposit = DepositFactory(operator=enterprise_a, is_published=True)

    response = api_client.patch(f"/api/v1/registry/deposits/{deposit.pk}/", {"notes": "x"}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("header", ["Token 0123456789abcdef0123456789abcdef01234567", "Token", "Bearer abc"])
def test_bad_token_refused(api_client, enterprise_a, staff_a, header):
    deposit = DepositFactory(operator=enterprise_a, is_published=True)
    api_client.credentials(HTTP_AUTHORIZATION=header)

    response = api_client.patch(f"/api/v1/registry/deposits/{deposit.pk}/", {"notes": "x"}, format="json")

    assert response.status_code == 401


@pytest.mark.parametrize("length", [151, 256, 1000])
def test_overlong_username_is_a_client_error(api_client, length):
    """The failed attempt is logged by django-axes, whose username column holds 255 characters."""
    response = api_client.post(TOKEN_URL, {"username": "u" * length, "password": "wrong-password"}, format="json")
    assert response.status_code == 400
