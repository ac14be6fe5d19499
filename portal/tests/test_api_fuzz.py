"""Schemathesis generates requests from the OpenAPI schema, for every operation, and checks every answer against it:
no server error, and each answer's status, media type, headers and body as the schema documents them (all of
schemathesis' checks, among them status_code_conformance, content_type_conformance, response_headers_conformance and
response_schema_conformance). It does so three times: as the public (no token), as enterprise staff and as an
inspector, each with a knox token, in a world of the Balkhash plant (its deposit with surveys and composition) that
the staff works for and the inspector inspects.

Kept fast for the suite: a few examples per operation, derandomized (the same requests on every run), without the
shrinking phase (a failure is reported as found).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.test import APIClient
from schemathesis.config import SchemathesisConfig

from monitoring.reference import load_monitoring_reference
from portal.models import User
from portal.tests.factories import UserFactory, api_token
from portal.wsgi import application
from registry.demo import load_balkhash
from registry.reference import load_regions
from registry.tests.factories import InspectorAssignmentFactory, MembershipFactory

# The schema's examples and generated requests; not the coverage phase, which derives every boundary and negative
# case of every parameter: two minutes per identity, and what it adds (refusals of bad input) is the subject of the
# hostile-input tests (portal/tests/hostile/).
# Every check of the answers (schemathesis' default set) but two, which judge the requests instead: whether a request
# the schema allows is accepted (positive_data_acceptance) and one it forbids refused (negative_data_rejection). A
# query naming a region or deposit that does not exist, or a bbox that is not four numbers, is a string to the
# schema and a 400 to the API, by design (a 400 naming the field beats an empty list); and a filter given a value of
# the wrong type is refused or ignored as django-filter does.
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 12,
        "phases": {"coverage": {"enabled": False}},
        "checks": {"positive_data_acceptance": {"enabled": False}, "negative_data_rejection": {"enabled": False}},
    }
)
EXAMPLES = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def tokens(db, django_capture_on_commit_callbacks):
    load_regions()
    load_monitoring_reference()
    admin = UserFactory(username="fuzz-admin", role=User.Role.ADMINISTRATOR)
    plant = load_balkhash(admin)
    staff = MembershipFactory(enterprise=plant, user__username="fuzz-staff").user
    inspector = InspectorAssignmentFactory(region=plant.region, user__username="fuzz-inspector").user
    # Monitoring results, one within its MPC and one far above it (an alert), sent and evaluated as a client would.
    client = APIClient()
    client.force_authenticate(staff)
    point = {"enterprise": plant.bin, "code": "AIR-1", "medium": "air", "latitude": "46.85", "longitude": "74.95"}
    assert client.post("/api/v1/monitoring/points/", point, format="json").status_code == 201
    results = [
        {"point": "AIR-1", "pollutant": "Cu", "sampled_at": f"2024-05-0{day}T10:00:00+05:00", "value": value,
         "unit": "mg/m3", "averaging": "daily"}
        for day, value in ((1, "0.001"), (2, "0.05"))
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/api/v1/monitoring/submissions/", {"enterprise": plant.bin, "results": results}, format="json"
        )
    assert answer.status_code == 201, answer.content
    return {"staff": api_token(staff), "inspector": api_token(inspector)}


@pytest.fixture
def api_schema(tokens):
    # Requests go straight to the WSGI app inside the test's transaction; Django would close the
    # connection after each one (as Django's own test client also prevents).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=CONFIG)
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_the_schema_holds_for_the_public(case):
    case.call_and_validate()


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_the_schema_holds_for_enterprise_staff(case, tokens):
    case.call_and_validate(headers={"Authorization": f"Token {tokens['staff']}"})


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_the_schema_holds_for_an_inspector(case, tokens):
    case.call_and_validate(headers={"Authorization": f"Token {tokens['inspector']}"})
