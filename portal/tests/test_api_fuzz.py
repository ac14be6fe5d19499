"""Schemathesis generates requests from the OpenAPI schema; no answer may be a server error."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from portal.models import User
from portal.tests.factories import api_token
from portal.wsgi import application
from registry.demo import load_balkhash
from registry.reference import load_regions


@pytest.fixture
def admin_token(db) -> str:
    load_regions()
    admin = User.objects.create(username="fuzz-admin", role=User.Role.ADMINISTRATOR)
    load_balkhash(admin)
    return api_token(admin)


@pytest.fixture
def api_schema(admin_token):
    # Requests go straight to the WSGI app inside the test's transaction; Django would close the
    # connection after each one (as Django's own test client also prevents).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_as_administrator(case, admin_token):
    case.call_and_validate(headers={"Authorization": f"Token {admin_token}"}, checks=[not_a_server_error])


@pytest.mark.django_db
@schema.include(method="GET").parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_as_the_public(case, admin_token):
    case.call_and_validate(checks=[not_a_server_error])
