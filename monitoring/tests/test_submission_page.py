"""Staff list their past submissions on a page (/monitoring/submissions/): status, date, rows and a link to the
errors (the API's list: test_submission_list)."""

import pytest

from monitoring.models import Submission
from monitoring.tests.helpers import row

pytestmark = pytest.mark.django_db


def test_staff_see_their_submissions_with_status_rows_and_errors(points, staff_a, enterprise_a, submit, web):
    good = submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.001"), row("AIR-1", "Cu", "0.002")])
    failed = Submission.objects.create(
        enterprise=enterprise_a,
        submitted_by=staff_a,
        channel="file",
        status="failed",
        errors=[{"row": 2, "field": "value", "reason": "bad"}],
    )

    response = web(staff_a).get("/monitoring/submissions/")

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="/monitoring/submissions/{good.pk}/"' in page
    assert "processed" in page and "failed" in page
    assert f'href="/monitoring/submissions/{failed.pk}/#progress">1 error</a>' in page
    assert [counts["results"] for _, counts in response.context["rows"]] == [0, 2]
    assert 'href="/monitoring/submissions/"' in page  # the navigation links it for those who may file


def test_staff_do_not_see_another_enterprises_submissions(points, staff_b, staff_a, enterprise_a, submit, web):
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.001")])

    response = web(staff_b).get("/monitoring/submissions/")

    assert response.context["rows"] == []
    assert "No submissions yet." in response.content.decode()
