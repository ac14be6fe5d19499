"""django-axes: failed logins lock a username only from the address that failed, for a while."""

import pytest
from django.conf import settings

from portal.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


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
