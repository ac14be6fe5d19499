"""The admin: channels kept by administrators (audited), submissions only read, a failed file queued again."""

import pytest

from monitoring.emissions.models import EmissionSubmission
from monitoring.emissions.tests.test_file_ingest import upload
from portal.models import ChangeRecord


@pytest.mark.django_db(transaction=True)
def test_pages_and_retry(web, administrator, client_for, staff_a, enterprise_a, channels, limit):
    from monitoring.emissions.tests.test_file_ingest import line

    failed = upload(client_for(staff_a), enterprise_a, [line(0, "-1")])
    assert failed.status == "failed"
    browser = web(administrator)
    for path in (
        "/admin/emissions/channel/",
        f"/admin/emissions/channel/{channels[0].pk}/change/",
        "/admin/emissions/emissionsubmission/",
        f"/admin/emissions/emissionsubmission/{failed.pk}/change/",
    ):
        assert browser.get(path).status_code == 200, path
    answer = browser.post("/admin/emissions/emissionsubmission/", {"action": "retry", "_selected_action": [failed.pk]})
    assert answer.status_code == 302
    failed.refresh_from_db()
    assert failed.status == "failed" and failed.attempts == 1  # read again (eagerly), and refused again
    assert ChangeRecord.objects.filter(content_type__model="emissionsubmission", object_id=str(failed.pk)).exists()


@pytest.mark.django_db
def test_channel_change_is_audited(web, administrator, channels):
    channel = channels[0]
    browser = web(administrator)
    page = browser.get(f"/admin/emissions/channel/{channel.pk}/change/")
    assert page.status_code == 200
    channel.is_active = False
    channel.save()
    assert ChangeRecord.objects.filter(content_type__model="channel", object_id=str(channel.pk)).count() >= 2
    assert EmissionSubmission.objects.count() == 0
