"""Regional annual reports: ordered by inspectors or administrators, made as a PDF by a worker, kept and listed."""

import pytest
from django.urls import reverse

from registry.models import Region
from registry.reference import load_regions
from reports.models import RegionalReport
from reports.reference import load_published_statistics


@pytest.fixture(autouse=True)
def statistics(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    load_regions()
    load_published_statistics()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_an_inspector_orders_a_report_and_downloads_the_pdf(
    client, administrator, language, django_capture_on_commit_callbacks
):
    client.force_login(administrator)
    karaganda = Region.objects.get(iso_code="KZ-35")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:reports"), {"region": karaganda.pk, "year": 2019, "language": language})
    report = RegionalReport.objects.get()
    assert response.status_code == 302
    assert (report.status, report.progress) == ("done", 100)
    page = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert reverse("reports:report-download", args=[report.pk]) in page
    pdf = b"".join(client.get(reverse("reports:report-download", args=[report.pk])).streaming_content)
    assert pdf.startswith(b"%PDF")
    assert b"DejaVu" in pdf  # the embedded font that prints Kazakh and Russian letters
    assert reverse("reports:report", args=[report.pk]) in client.get(reverse("reports:reports")).content.decode()


def test_the_progress_shows_while_the_report_is_queued(client, administrator):
    client.force_login(administrator)
    report = RegionalReport.objects.create(
        region=Region.objects.get(iso_code="KZ-35"), year=2019, language="en", requested_by=administrator
    )
    html = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert "<progress" in html
    assert 'hx-trigger="every 1s"' in html


def test_the_public_and_enterprise_staff_cannot_order_reports(client, staff_a):
    assert client.get(reverse("reports:reports")).status_code == 302  # to the login page
    client.force_login(staff_a)
    assert client.get(reverse("reports:reports")).status_code == 403


def test_a_region_with_no_figures_yet_gets_its_report_too(client, administrator, django_capture_on_commit_callbacks):
    # Abai was formed in 2022: nothing is published for it, and no return was accepted there in this test.
    client.force_login(administrator)
    abai = Region.objects.get(iso_code="KZ-10")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:reports"), {"region": abai.pk, "year": 2023, "language": "ru"})

    report = RegionalReport.objects.get()
    assert (report.status, report.progress, report.error_code) == ("done", 100, "")
