"""Fixtures of the monitoring tests: reference data, points of enterprise A, and helpers that submit results
and let the evaluation run. No broker is set, so Celery runs tasks eagerly; services enqueue them with
transaction.on_commit, which django_capture_on_commit_callbacks(execute=True) stands in for."""

import pytest
from django.utils import translation

from monitoring import services
from monitoring.models import SeverityThreshold, Submission
from monitoring.reference import load_monitoring_reference
from monitoring.tests.helpers import SUBMISSIONS, make_point
from registry.tests.factories import InspectorAssignmentFactory


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded files go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def _reference_once(django_db_setup, django_db_blocker):
    """Loaded once for the session (it is idempotent, and only reference tables are touched)."""
    with django_db_blocker.unblock():
        load_monitoring_reference()


@pytest.fixture
def reference(_reference_once, db):
    """Units, pollutants, MPC norms and severity rules v1 from monitoring/data."""
    if not SeverityThreshold.objects.exists():  # a transactional test flushed the tables since
        load_monitoring_reference()


@pytest.fixture
def air(reference, enterprise_a):
    return make_point(enterprise_a, "AIR-1", "air")


@pytest.fixture
def groundwater(reference, enterprise_a):
    return make_point(enterprise_a, "GW-1", "groundwater")


@pytest.fixture
def soil(reference, enterprise_a):
    return make_point(enterprise_a, "SOIL-1", "soil")


@pytest.fixture
def points(air, groundwater, soil):
    return {"air": air, "groundwater": groundwater, "soil": soil}


@pytest.fixture
def second_inspector(region):
    return InspectorAssignmentFactory(region=region, user__username="second_inspector").user


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Results of `enterprise` by `user` through the service, evaluated (and notifications sent) on commit."""

    def do(user, enterprise, rows, channel=Submission.Channel.API) -> Submission:
        with django_capture_on_commit_callbacks(execute=True):
            submission = services.submission_create(actor=user, enterprise=enterprise, rows=rows, channel=channel)
        submission.refresh_from_db()
        return submission

    return do


@pytest.fixture
def post_results(client_for, django_capture_on_commit_callbacks):
    """POST /api/v1/monitoring/submissions/ as `user`, evaluated on commit; returns the response."""

    def do(user, enterprise, rows):
        with django_capture_on_commit_callbacks(execute=True):
            return client_for(user).post(SUBMISSIONS, {"enterprise": enterprise.bin, "results": rows}, format="json")

    return do
