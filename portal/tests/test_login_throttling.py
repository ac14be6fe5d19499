"""Login throttling: failed logins lock a user name only from the address that failed, for a while (django-axes);
an address with many failed logins, whatever the user names, is refused before any password is hashed
(portal.throttling); behind the trusted proxy each client is counted at its own address."""

import pytest
from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from portal.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
ADMIN_LOGIN_URL = "/admin/login/"
TOKEN_URL = "/api/v1/auth/token/"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
PROXY = "10.0.0.2"


def log_in(client, username, password, address):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_until_locked(client, username, address):
    responses = [log_in(client, username, "wrong-password", address) for _ in range(settings.AXES_FAILURE_LIMIT)]
    # the failures before the limit show the form again; the one that reaches it locks
    assert [response.status_code for response in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert responses[-1].status_code == 429
    return responses[-1]


def test_login_page_renders(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_correct_password_logs_in(client, staff_a):
    response = log_in(client, "staff_a", PASSWORD, OWNER)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == staff_a.pk


def test_five_failures_lock_that_username_from_that_address(client, staff_a):
    assert settings.AXES_FAILURE_LIMIT == 5

    locked = fail_until_locked(client, "staff_a", ATTACKER)

    assert "registration/locked_out.html" in [template.name for template in locked.templates]
    # even the right password is refused from that address now
    response = log_in(client, "staff_a", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_stranger_cannot_lock_the_owner_out(client, staff_a):
    fail_until_locked(client, "staff_a", ATTACKER)

    response = log_in(client, "staff_a", PASSWORD, OWNER)

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == staff_a.pk


def test_the_locked_address_may_still_log_in_as_someone_else(client, staff_a, staff_b):
    fail_until_locked(client, "staff_a", ATTACKER)

    response = log_in(client, "staff_b", PASSWORD, ATTACKER)

    assert response.status_code == 302


def test_success_resets_the_count(client, staff_a):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "staff_a", "wrong-password", OWNER).status_code == 200
    assert log_in(client, "staff_a", PASSWORD, OWNER).status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "staff_a", "wrong-password", OWNER).status_code == 200
    assert log_in(client, "staff_a", PASSWORD, OWNER).status_code == 302


def test_the_token_endpoint_is_throttled_the_same_way(api_client, staff_a):
    """The API is no way around the lock: failures there count, and a locked pair gets no token."""
    statuses = [
        api_client.post(
            "/api/v1/auth/token/", {"username": "staff_a", "password": "wrong-password"}, REMOTE_ADDR=ATTACKER
        ).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    # the failures before the limit are plain 400s; the one that reaches it locks (429)
    assert statuses == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]

    locked = api_client.post("/api/v1/auth/token/", {"username": "staff_a", "password": PASSWORD}, REMOTE_ADDR=ATTACKER)
    owner = api_client.post("/api/v1/auth/token/", {"username": "staff_a", "password": PASSWORD}, REMOTE_ADDR=OWNER)

    assert locked.status_code == 429
    assert "token" not in locked.data
    assert owner.status_code == 200
    assert "token" in owner.data


# -- many user names from one address: refused before the password is hashed


@pytest.fixture
def hashed(monkeypatch):
    """How many logins reached the password check (ModelBackend hashes even for an unknown user name)."""
    calls = []
    authenticate = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        calls.append(username)
        return authenticate(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    return calls


def test_many_user_names_from_one_address_cost_no_hashing_past_the_limit(api_client, staff_a, hashed, settings):
    """The issue's attack: token requests with distinct user names, each a new axes pair, each a password hash."""
    settings.LOGIN_ADDRESS_FAILURE_RATE = "10/minute"
    statuses = [
        api_client.post(TOKEN_URL, {"username": f"guess{n}", "password": "x"}, REMOTE_ADDR=ATTACKER).status_code
        for n in range(25)
    ]

    assert statuses == [400] * 10 + [429] * 15
    assert len(hashed) == 10
    refused = api_client.post(TOKEN_URL, {"username": "guess", "password": "x"}, REMOTE_ADDR=ATTACKER)
    assert 0 < int(refused["Retry-After"]) <= 60
    # Even the right password waits at that address; from any other it is answered at once.
    assert (
        api_client.post(TOKEN_URL, {"username": "staff_a", "password": PASSWORD}, REMOTE_ADDR=ATTACKER).status_code
        == 429
    )
    assert (
        api_client.post(TOKEN_URL, {"username": "staff_a", "password": PASSWORD}, REMOTE_ADDR=OWNER).status_code == 200
    )


@pytest.mark.parametrize(("url", "username"), [(LOGIN_URL, "staff_a"), (ADMIN_LOGIN_URL, "administrator")])
def test_the_login_pages_are_throttled_per_address_too(client, staff_a, administrator, hashed, settings, url, username):
    settings.LOGIN_ADDRESS_FAILURE_RATE = "3/minute"
    statuses = [
        client.post(url, {"username": f"guess{n}", "password": "x"}, REMOTE_ADDR=ATTACKER).status_code for n in range(5)
    ]

    assert statuses == [200, 200, 200, 429, 429]
    assert len(hashed) == 3
    assert client.post(url, {"username": username, "password": PASSWORD}, REMOTE_ADDR=OWNER).status_code == 302


def test_failures_anywhere_count_against_the_address(client, api_client, staff_a, settings):
    """One count for the pages, the admin and the API: an attacker cannot spread the attempts over them."""
    settings.LOGIN_ADDRESS_FAILURE_RATE = "3/minute"
    client.post(LOGIN_URL, {"username": "a", "password": "x"}, REMOTE_ADDR=ATTACKER)
    client.post(ADMIN_LOGIN_URL, {"username": "b", "password": "x"}, REMOTE_ADDR=ATTACKER)
    api_client.post(TOKEN_URL, {"username": "c", "password": "x"}, REMOTE_ADDR=ATTACKER)

    assert client.post(LOGIN_URL, {"username": "d", "password": "x"}, REMOTE_ADDR=ATTACKER).status_code == 429
    assert api_client.post(TOKEN_URL, {"username": "d", "password": "x"}, REMOTE_ADDR=ATTACKER).status_code == 429


def test_successful_logins_are_not_throttled(api_client, staff_a, settings):
    """An enterprise's many machine clients behind one address each get their token."""
    settings.LOGIN_ADDRESS_FAILURE_RATE = "3/minute"
    settings.API_TOKEN_LIMIT_PER_USER = 20
    statuses = [
        api_client.post(TOKEN_URL, {"username": "staff_a", "password": PASSWORD}, REMOTE_ADDR=OWNER).status_code
        for _ in range(8)
    ]
    assert statuses == [200] * 8


# -- behind the TLS proxy


def via_proxy(client, username, password, client_address, url=LOGIN_URL):
    return client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address
    )


def test_behind_the_trusted_proxy_a_stranger_cannot_lock_the_owner_out(client, staff_a, settings):
    """Every request comes from the proxy's address; the client's is the proxy's X-Forwarded-For."""
    settings.TRUSTED_PROXIES = [PROXY]
    failures = [via_proxy(client, "staff_a", "wrong-password", ATTACKER).status_code for _ in range(6)]
    assert failures == [200] * 4 + [429, 429]

    response = via_proxy(client, "staff_a", PASSWORD, OWNER)

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == staff_a.pk


def test_behind_the_trusted_proxy_the_api_is_throttled_per_client(api_client, staff_a, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.LOGIN_ADDRESS_FAILURE_RATE = "3/minute"
    for n in range(3):
        via_proxy(api_client, f"guess{n}", "x", ATTACKER, TOKEN_URL)

    assert via_proxy(api_client, "staff_a", PASSWORD, ATTACKER, TOKEN_URL).status_code == 429
    assert via_proxy(api_client, "staff_a", PASSWORD, OWNER, TOKEN_URL).status_code == 200


def test_a_forwarded_address_from_an_untrusted_client_is_ignored(client, staff_a, settings):
    """A client that names a new address in X-Forwarded-For with every attempt is still one address."""
    settings.TRUSTED_PROXIES = [PROXY]
    statuses = [
        client.post(
            LOGIN_URL,
            {"username": "staff_a", "password": "wrong-password"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        ).status_code
        for n in range(settings.AXES_FAILURE_LIMIT + 1)
    ]
    assert statuses[-2:] == [429, 429]
    # The owner at the address the attacker named is not locked out.
    assert log_in(client, "staff_a", PASSWORD, "192.0.2.1").status_code == 302
