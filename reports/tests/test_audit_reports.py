"""The statistics' audited rows: year references in the admin, and regional reports, ordered by a person and made by
a task (the system), whose status and error are recorded and whose progress bar is not."""

import pytest
from django.urls import reverse

from portal.tests.audit import Log
from portal.tests.forms import form_data
from registry.models import Region
from registry.reference import load_regions
from reports.models import RegionalReport, YearReference
from reports.reference import load_published_statistics

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("change", [False, True], ids=["added", "changed"])
def test_a_year_reference_in_the_admin(web, administrator, change):
    existing = YearReference.objects.create(year=2021, population=19_000_000) if change else None
    url = f"/admin/reports/yearreference/{existing.pk}/change/" if existing else "/admin/reports/yearreference/add/"
    client = web(administrator)
    page = client.get(url)
    log = Log()

    response = client.post(url, form_data(page.content, year="2021", population="19500000", gdp_million_usd="190"))

    assert response.status_code == 302
    record = log.only(YearReference)
    assert (record.kind, record.user) == ("update" if change else "create", administrator)
    assert record.changes["population"] == ([19_000_000, 19_500_000] if change else [None, 19_500_000])
    assert record.changes["gdp_million_usd"] == [None, "190.0"]


def test_a_report_ordered_and_made(client, inspector, region, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = str(tmp_path)
    load_regions()
    load_published_statistics()
    karaganda = Region.objects.get(iso_code="KZ-35")
    inspector.inspector_assignments.create(region=karaganda)
    client.force_login(inspector)
    log = Log()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:reports"), {"region": karaganda.pk, "year": 2019, "language": "en"})

    assert response.status_code == 302
    report = RegionalReport.objects.get()
    ordered, running, done = log.records(RegionalReport)
    assert (ordered.kind, ordered.user, ordered.region_id) == ("create", inspector, karaganda.pk)
    assert (running.user, running.changes) == (None, {"status": ["queued", "running"]})
    assert (done.user, done.changes["status"]) == (None, ["running", "done"])
    assert done.changes["file"] == ["", report.file.name]
    assert all("progress" not in record.changes for record in (ordered, running, done))
