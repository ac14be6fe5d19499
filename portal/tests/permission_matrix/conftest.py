from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings

from portal.tests.permission_matrix.world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """Built once per test module, in a transaction rolled back after the module's last test; each test runs in
    a savepoint inside it (pytest-django's `db`), and each role's request in a savepoint of its own."""
    with (
        django_db_blocker.unblock(),
        # The suite's hasher (conftest._fast_password_hashing), which the tests' own settings leave in place.
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)
