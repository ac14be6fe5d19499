"""The row errors of a file read by a worker are stored with their message's msgid and parameters: the page and the
API write them in the reader's language, whatever language the worker wrote them in."""

import html

import pytest
from django.utils import translation

from monitoring.tests.helpers import row
from monitoring.tests.test_upload import csv_file, submission_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(points, staff_a, enterprise_a, web, django_capture_on_commit_callbacks):
    """A file with an unknown pollutant and a unit of another medium, read while Russian was active."""
    rows = [row("AIR-1", "Kryptonite", "0.03"), row("AIR-1", "Cu", "0.03", "mg/kg")]
    with translation.override("ru"), django_capture_on_commit_callbacks(execute=True):
        response = web(staff_a).post("/monitoring/upload/", {"enterprise": enterprise_a.pk, "file": csv_file(rows)})
    submission, _page = submission_page(web, staff_a, response)
    assert submission.status == "failed"
    return submission


def test_a_stored_row_error_keeps_its_message_and_parameters(failed):
    stored = {error["row"]: error for error in failed.errors}
    assert stored[2]["msgid"] == "unknown pollutant “%(code)s”."
    assert stored[2]["params"] == {"code": "Kryptonite"}
    assert stored[3]["params"] == {"unit": "mg/kg", "medium": "air"}


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("kk", "2-жол, pollutant: белгісіз ластаушы зат: «Kryptonite»."),
        ("en", "Row 3, unit: the unit “mg/kg” does not fit the medium air."),
    ],
)
def test_the_page_writes_the_row_errors_in_the_readers_language(web, staff_a, failed, language, shown):
    page = web(staff_a).get(f"/monitoring/submissions/{failed.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    text = html.unescape(page.content.decode())
    assert shown in text
    assert "неизвестное загрязняющее вещество" not in text


def test_the_api_writes_the_row_errors_in_the_clients_language(client_for, staff_a, failed):
    body = client_for(staff_a).get(f"/api/v1/monitoring/submissions/{failed.pk}/").json()
    # In the shape of the API's 400 answers (portal.api.exceptions).
    error = {"row": 2, "field": "pollutant", "code": "unknown_pollutant", "message": "unknown pollutant “Kryptonite”."}
    assert error in body["errors"]
