"""Shared fixtures. The suite runs against PostgreSQL and Redis only: the checks, constraints,
locking and cache behaviour under test are theirs, so an SQLite or in-process run would prove little."""

import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections
from django.test import Client
from rest_framework.test import APIClient

from portal.celery import app as celery_app
from portal.models import User
from portal.tests.cache import clear_test_cache, process_cache_prefix
from portal.tests.factories import UserFactory
from portal.tests.worker import celery_worker
from registry.tests.browser import page
from registry.tests.factories import EnterpriseFactory, InspectorAssignmentFactory, MembershipFactory, RegionFactory

__all__ = ["celery_worker", "page"]

HOW_TO_RUN = (
    "Run the tests against PostgreSQL and Redis, e.g.\n"
    "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/qaldyq REDIS_URL=redis://127.0.0.1:6379/1 "
    ".venv/bin/pytest registry portal"
)


def pytest_configure(config):
    # WhiteNoise warns when collectstatic has not filled STATIC_ROOT; the tests need no static files.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning:django.core.handlers.base")
    # Each test process (pytest-xdist worker) has its own cache keys, also in the Celery workers it starts (they
    # inherit the environment), and clears only those (`_clear_cache`). The settings are already loaded, but no
    # cache has been opened yet.
    prefix = process_cache_prefix()
    os.environ["CACHE_KEY_PREFIX"] = prefix
    if settings.REDIS_URL:
        settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}


def _environment_problems() -> list[str]:
    problems = []
    vendor = connections["default"].vendor
    if vendor != "postgresql":
        problems.append(
            f"the default database is {vendor}, not PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name"
        )
    if not settings.REDIS_URL:
        problems.append("REDIS_URL is not set, so the cache is in-process: set REDIS_URL=redis://host:6379/1")
        return problems
    if not isinstance(caches["default"], RedisCache):
        problems.append(f"the default cache is {type(caches['default']).__name__}, not Redis: check CACHES")
        return problems
    key = f"qaldyq-test-probe-{uuid.uuid4()}"
    try:
        cache.set(key, "ok", timeout=10)
        answered = cache.get(key)
        cache.delete(key)
    except Exception as exc:
        problems.append(f"the cache at REDIS_URL={settings.REDIS_URL} cannot be reached ({exc}): start Redis")
    else:
        if answered != "ok":
            problems.append(f"the cache at REDIS_URL={settings.REDIS_URL} does not keep what is stored in it")
    return problems


@pytest.fixture(scope="session", autouse=True)
def _require_postgresql_and_redis():
    problems = _environment_problems()
    if problems:
        pytest.exit("Refusing to run the tests: " + "; ".join(problems) + ".\n" + HOW_TO_RUN, returncode=3)


@pytest.fixture(autouse=True)
def _clear_cache():
    # DRF throttling and django-axes keep their counters in the cache, reports its statistics and public pages.
    if settings.REDIS_URL:
        clear_test_cache()
    yield
    if settings.REDIS_URL:
        clear_test_cache()


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Tasks run in-process, as in the embedded default, unless a test asks for the `celery_worker`."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages in English unless a test asks for another language (the portal's default is Russian)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for():
    """An API client authenticated as `user`; anonymous for None."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def web():
    """A browser session (Django's test client) logged in as `user`; anonymous for None."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def region(db):
    return RegionFactory(iso_code="KZ-R1", name_en="Region R1")


@pytest.fixture
def other_region(db):
    return RegionFactory(iso_code="KZ-R2", name_en="Region R2")


@pytest.fixture
def enterprise_a(region):
    return EnterpriseFactory(name="Enterprise A LLP", region=region)


@pytest.fixture
def enterprise_b(region):
    return EnterpriseFactory(name="Enterprise B LLP", region=region)


@pytest.fixture
def staff_a(enterprise_a):
    return MembershipFactory(enterprise=enterprise_a, user__username="staff_a").user


@pytest.fixture
def staff_b(enterprise_b):
    return MembershipFactory(enterprise=enterprise_b, user__username="staff_b").user


@pytest.fixture
def inspector(region):
    """An inspector assigned to `region`."""
    return InspectorAssignmentFactory(region=region, user__username="inspector").user


@pytest.fixture
def other_inspector(other_region):
    """An inspector assigned to `other_region` only."""
    return InspectorAssignmentFactory(region=other_region, user__username="other_inspector").user


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", role=User.Role.ADMINISTRATOR)
