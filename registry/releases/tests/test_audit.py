"""Every write leaves history: a report's versions are recorded on the report (who created, submitted, decided,
with the reasons), through the pages and the API; an administrator's change to a threshold makes it national."""

import pytest

from portal.tests.audit import Log
from registry.releases.models import ReleaseThreshold, ReleaseVersion
from registry.releases.tests import helpers

pytestmark = pytest.mark.usefixtures("reference")


def test_the_workflow_is_recorded(web, client_for, staff_a, inspector, enterprise_a):
    log = Log()
    report = helpers.create(staff_a, enterprise_a, releases=[helpers.release(), helpers.release("NOx")])
    assert web(staff_a).post(f"/releases/{report.pk}/submit/").status_code == 302
    response = client_for(inspector).post(f"/api/v1/releases/{report.pk}/return/", {"reasons": "Why?"}, format="json")
    assert response.status_code == 200
    created, submitted, returned = log.records(ReleaseVersion)
    assert (created.kind, created.parent_id) == ("create", report.pk)
    assert (created.enterprise_id, created.region_id) == (enterprise_a.pk, enterprise_a.region_id)
    assert submitted.user == staff_a and submitted.changes["status"] == ["draft", "submitted"]
    assert returned.user == inspector and returned.changes["reasons"] == ["", "Why?"]


def test_an_administrators_threshold_is_no_longer_the_default(web, administrator, reference):
    threshold = ReleaseThreshold.objects.get(substance__code="Cd", medium="air")
    log = Log()
    url = f"/admin/releases/releasethreshold/{threshold.pk}/change/"
    data = {"substance": threshold.substance_id, "medium": "air", "kg_per_year": "5"}
    assert web(administrator).post(url, data).status_code == 302
    threshold.refresh_from_db()
    assert (threshold.kg_per_year, threshold.default) == (5, False)
    assert log.only(ReleaseThreshold).changes["default"] == [True, False]
