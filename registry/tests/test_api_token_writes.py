"""A token from /api/v1/auth/token/ (portal) authorises writes to the registry API; a missing or bad one is refused."""

import pytest

from portal.tests.factories import PASSWORD
from registry.tests.factories import DepositFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


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
