"""API tokens (django-rest-knox): issued for a user name and password, stored only as a digest, expiring, limited
per user, listed and revoked by their owner and by administrators, all revoked when the password changes."""

import datetime
import hashlib
import importlib

import pytest
from django.contrib import admin
from django.contrib.auth.hashers import MD5PasswordHasher, make_password
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from portal.admin_site import AdministratorAccess
from portal.models import User
from portal.tests.factories import PASSWORD, api_token
from portal.tokens import token_id

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"


class NewerHasher(MD5PasswordHasher):
    """A hasher the suite's passwords are not in yet, so that checking one upgrades its hash."""

    algorithm = "newer"


def client_with(key: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def works(key: str) -> bool:
    """Whether the token authenticates (its owner's token list answers)."""
    return client_with(key).get(TOKENS_URL).status_code == 200


def issue(api_client, username="staff_a", password=PASSWORD):
    return api_client.post(TOKEN_URL, {"username": username, "password": password}, format="json")


# -- issuing


def test_token_for_username_and_password(api_client, staff_a, settings):
    before = timezone.now()
    response = issue(api_client)

    assert response.status_code == 200
    assert set(response.data) == {"token", "expiry"}
    expiry = datetime.datetime.fromisoformat(response.data["expiry"])
    ttl = datetime.timedelta(days=settings.API_TOKEN_TTL_DAYS)
    assert before + ttl <= expiry <= timezone.now() + ttl
    assert works(response.data["token"])


def test_the_token_is_stored_only_as_its_digest(api_client, staff_a):
    key = issue(api_client).data["token"]

    stored = AuthToken.objects.get(user=staff_a)
    assert stored.digest == hashlib.sha512(key.encode()).hexdigest()
    # Only a prefix of the key is kept, for lookup; no column holds the key.
    assert key.startswith(stored.token_key) and len(stored.token_key) < len(key) // 2
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")
        assert not any(key in str(value) for row in cursor.fetchall() for value in row)


def test_each_request_issues_a_token_of_its_own(api_client, staff_a):
    first = issue(api_client).data["token"]
    second = issue(api_client).data["token"]

    assert first != second
    assert works(first) and works(second)


def test_an_expired_token_is_refused(api_client, staff_a):
    key = issue(api_client).data["token"]
    AuthToken.objects.filter(user=staff_a).update(expiry=timezone.now() - datetime.timedelta(seconds=1))

    response = client_with(key).get(TOKENS_URL)

    assert response.status_code == 401
    assert not AuthToken.objects.exists()  # knox deletes it when it is presented


def test_an_expired_token_in_the_header_does_not_stand_in_the_way_of_a_new_one(staff_a):
    client = client_with(api_token(staff_a))
    AuthToken.objects.filter(user=staff_a).update(expiry=timezone.now() - datetime.timedelta(seconds=1))

    response = issue(client)

    assert response.status_code == 200
    assert works(response.data["token"])


def test_a_user_holds_a_limited_number_of_tokens(api_client, staff_a, settings):
    settings.API_TOKEN_LIMIT_PER_USER = 2
    keys = [issue(api_client).data["token"] for _ in range(2)]

    refused = issue(api_client)

    assert refused.status_code == 403
    [error] = refused.data["errors"]
    assert (error["code"], error["field"]) == ("permission_denied", None)
    assert "2 API tokens" in error["message"]
    assert AuthToken.objects.filter(user=staff_a).count() == 2
    # Revoking one makes room.
    client_with(keys[0]).post(f"{TOKENS_URL}revoke-all/")
    assert issue(api_client).status_code == 200


@pytest.mark.parametrize(
    "credentials",
    [{"username": "staff_a", "password": "wrong-password"}, {"username": "nobody", "password": PASSWORD}, {}],
)
def test_no_token_for_bad_credentials(api_client, staff_a, credentials):
    response = api_client.post(TOKEN_URL, credentials, format="json")

    assert response.status_code == 400
    assert "token" not in response.data
    assert not AuthToken.objects.exists()


def test_inactive_user_gets_no_token(api_client, staff_a):
    staff_a.is_active = False
    staff_a.save()
    assert issue(api_client).status_code == 400


def test_an_inactive_users_token_is_refused(staff_a):
    key = api_token(staff_a)
    staff_a.is_active = False
    staff_a.save()
    assert client_with(key).get(TOKENS_URL).status_code == 401


@pytest.mark.parametrize("length", [151, 256, 1000])
def test_overlong_username_is_a_client_error(api_client, length):
    """The failed attempt is logged by django-axes, whose username column holds 255 characters."""
    response = api_client.post(TOKEN_URL, {"username": "u" * length, "password": "wrong-password"}, format="json")
    assert response.status_code == 400


# -- listing and revoking


def test_the_owner_lists_their_own_live_tokens(staff_a, staff_b):
    mine, _other = api_token(staff_a), api_token(staff_a)
    api_token(staff_b)
    AuthToken.objects.create(user=staff_a, expiry=datetime.timedelta(seconds=-1))  # expired: not listed

    response = client_with(mine).get(TOKENS_URL)

    assert response.status_code == 200
    results = response.data["results"]
    assert [(token["user"], len(token["id"])) for token in results] == [("staff_a", 16), ("staff_a", 16)]
    assert [token["current"] for token in results if token["starts"] == mine[:8]] == [True]
    assert {"created", "expiry"} <= set(results[0])


def test_the_owner_revokes_one_token(staff_a):
    keep, revoke = api_token(staff_a), api_token(staff_a)
    revoked = AuthToken.objects.get(token_key=revoke[:15])

    response = client_with(keep).delete(f"{TOKENS_URL}{token_id(revoked)}/")

    assert response.status_code == 204
    assert not works(revoke)
    assert works(keep)


def test_a_token_can_revoke_itself(staff_a):
    key = api_token(staff_a)
    own = AuthToken.objects.get(user=staff_a)
    assert client_with(key).delete(f"{TOKENS_URL}{token_id(own)}/").status_code == 204
    assert not works(key)


def test_nobody_sees_or_revokes_another_users_token(staff_a, staff_b, inspector):
    other = api_token(staff_b)
    others = token_id(AuthToken.objects.get(user=staff_b))

    for user in (staff_a, inspector):
        client = client_with(api_token(user))
        assert [token["user"] for token in client.get(TOKENS_URL).data["results"]] == [user.username]
        assert client.get(f"{TOKENS_URL}?user=staff_b").data["results"] == []
        assert client.delete(f"{TOKENS_URL}{others}/").status_code == 404
        assert client.post(f"{TOKENS_URL}revoke-all/?user=staff_b").data == {"revoked": 0}
    assert works(other)


def test_revoke_all_ends_every_token_of_the_user(staff_a, staff_b):
    keys = [api_token(staff_a) for _ in range(3)]
    other = api_token(staff_b)

    response = client_with(keys[0]).post(f"{TOKENS_URL}revoke-all/")

    assert response.status_code == 200
    assert response.data == {"revoked": 3}
    assert not any(works(key) for key in keys)
    assert works(other)


def test_administrators_list_and_revoke_anyones_tokens(administrator, staff_a, staff_b):
    a_key, b_key = api_token(staff_a), api_token(staff_b)
    client = client_with(api_token(administrator))

    everyone = {token["user"] for token in client.get(TOKENS_URL).data["results"]}
    only_a = client.get(f"{TOKENS_URL}?user=staff_a").data["results"]

    assert everyone == {"administrator", "staff_a", "staff_b"}
    assert [token["user"] for token in only_a] == ["staff_a"]
    assert client.delete(f"{TOKENS_URL}{only_a[0]['id']}/").status_code == 204
    assert not works(a_key)
    assert client.post(f"{TOKENS_URL}revoke-all/?user=staff_b").data == {"revoked": 1}
    assert not works(b_key)


def test_a_browser_session_manages_its_users_tokens(web, staff_a):
    """Without a token at hand (all lost, or the limit reached), the owner logs in on the site and revokes them."""
    key = api_token(staff_a)
    browser = APIClient()
    browser.force_login(staff_a)

    assert browser.get(TOKENS_URL).data["count"] == 1
    assert browser.post(f"{TOKENS_URL}revoke-all/").data == {"revoked": 1}
    assert not works(key)


def test_the_public_is_asked_to_authenticate(api_client):
    response = api_client.get(TOKENS_URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_the_token_admin_is_for_administrators_only():
    assert isinstance(admin.site._registry[AuthToken], AdministratorAccess)


# -- a changed password ends every token


def test_a_password_change_revokes_every_token_of_the_user(staff_a, staff_b):
    keys = [api_token(staff_a), api_token(staff_a)]
    other = api_token(staff_b)

    staff_a.set_password("a-brand-new-password-2026")
    staff_a.save()

    assert not any(works(key) for key in keys)
    assert works(other)


def test_a_password_changed_in_the_admin_revokes_the_tokens(web, administrator, staff_a):
    key = api_token(staff_a)
    new = "a-brand-new-password-2026"

    response = web(administrator).post(
        f"/admin/portal/user/{staff_a.pk}/password/", {"password1": new, "password2": new, "usable_password": "true"}
    )

    assert response.status_code == 302
    assert not works(key)


def test_a_password_changed_on_the_command_line_revokes_the_tokens(staff_a, monkeypatch):
    from django.core.management import call_command

    key = api_token(staff_a)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a-brand-new-password-2026")

    call_command("changepassword", "staff_a", stdout=None)

    assert not works(key)


def test_a_new_password_hash_written_directly_revokes_the_tokens(staff_a):
    key = api_token(staff_a)
    fresh = User.objects.get(pk=staff_a.pk)
    fresh.password = make_password("a-brand-new-password-2026")
    fresh.save()
    assert not works(key)


def test_saving_the_user_otherwise_keeps_the_tokens(staff_a, settings):
    key = api_token(staff_a)

    staff_a.email = "new@example.kz"
    staff_a.save()
    staff_a.last_login = timezone.now()
    staff_a.save(update_fields=["last_login"])
    # Django upgrading the hash of the same password at login (here: to another hasher) is no change either.
    settings.PASSWORD_HASHERS = [f"{__name__}.NewerHasher", *settings.PASSWORD_HASHERS]
    fresh = User.objects.get(pk=staff_a.pk)
    assert fresh.check_password(PASSWORD)
    assert User.objects.get(pk=staff_a.pk).password.startswith("newer$")

    assert works(key)


# -- the tokens of before (DRF's authtoken, plain text) carried over


def test_plain_text_tokens_are_carried_over_as_digests_and_dropped(staff_a, settings):
    migration = importlib.import_module("portal.migrations.0004_api_tokens_hashed")
    old_key = "0123456789abcdef0123456789abcdef01234567"
    created = datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamptz NOT NULL, user_id bigint)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [old_key, created, staff_a.pk])

    from django.apps import apps

    with connection.schema_editor() as editor:
        migration.carry_over(apps, editor)

    assert "authtoken_token" not in connection.introspection.table_names()
    token = AuthToken.objects.get(user=staff_a)
    assert (token.created, token.digest) == (created, hashlib.sha512(old_key.encode()).hexdigest())
    assert token.expiry > timezone.now() + datetime.timedelta(days=settings.API_TOKEN_TTL_DAYS - 1)
    assert works(old_key)
