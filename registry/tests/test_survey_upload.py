"""Survey files: every bad row reported with its number and field; an invalid file saves nothing."""

import html
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from portal.tests import hostile_files
from registry.models import DepositSurvey
from registry.tests.factories import DepositFactory

HEADER = "year,tonnage_t,annual_t,area_ha,max_height_m,mean_height_m,source\n"


@pytest.fixture
def deposit(enterprise_a):
    return DepositFactory(operator=enterprise_a, state_year=2023)


def upload(client, deposit, name, content):
    return client.post(
        reverse("registry:survey-upload", args=[deposit.pk]), {"file": SimpleUploadedFile(name, content)}
    )


@pytest.mark.django_db
def test_valid_csv_adds_every_survey(client, staff_a, deposit):
    client.force_login(staff_a)
    content = (HEADER + "2000,1000000,50000,10,,,archive\n2010,2000000,,,,,\n").encode()
    response = upload(client, deposit, "surveys.csv", content)
    assert response.status_code == 302
    assert set(deposit.surveys.values_list("year", flat=True)) >= {2000, 2010}


@pytest.mark.django_db
def test_bad_rows_are_all_reported_and_nothing_is_saved(client, staff_a, deposit):
    client.force_login(staff_a)
    before = DepositSurvey.objects.count()
    content = (HEADER + "2000,1000000,,,,,\n2001,-5,,,,,\n2002,abc,,,,,\n2000,3,,,,,\n").encode()
    response = upload(client, deposit, "surveys.csv", content)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Row 3, tonnage_t" in text
    assert "Row 4, tonnage_t" in text
    assert "Row 5, year: 2000 is already in row 2" in text
    assert DepositSurvey.objects.count() == before


@pytest.mark.django_db
def test_xlsx_is_read(client, staff_a, deposit):
    client.force_login(staff_a)
    workbook = Workbook()
    workbook.active.append(["year", "tonnage_t"])
    workbook.active.append([1995, 750000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, deposit, "surveys.xlsx", buffer.getvalue())
    assert response.status_code == 302
    assert deposit.surveys.filter(year=1995, tonnage_t=750000).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("surveys.exe", b"MZ\x90\x00", "Upload a .csv or .xlsx file."),
        ("surveys.xlsx", b"year,tonnage_t\n2000,1\n", "not an XLSX workbook"),
        ("surveys.csv", b"PK\x03\x04\x00\x00binary", "not a text CSV file"),
        ("surveys.csv", "year,tonnage_t\n2000,1\n".encode("utf-16"), "not a text CSV file"),
        ("surveys.csv", b"year;tonnes\n2000;1\n", "lacks the column(s): tonnage_t"),
    ],
)
def test_wrong_files_are_refused_by_type_and_content(client, staff_a, deposit, name, content, message):
    client.force_login(staff_a)
    response = upload(client, deposit, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_file_over_the_size_limit_is_refused(client, staff_a, deposit, settings):
    settings.UPLOAD_MAX_BYTES = 100
    client.force_login(staff_a)
    response = upload(client, deposit, "surveys.csv", (HEADER + "2000,1,,,,,\n" * 20).encode())
    assert response.status_code == 400
    assert "the limit is" in response.content.decode()


@pytest.mark.django_db
def test_staff_of_another_enterprise_cannot_upload(client, staff_b, deposit):
    client.force_login(staff_b)
    response = upload(client, deposit, "surveys.csv", (HEADER + "2000,1,,,,,\n").encode())
    assert response.status_code == 404


# Hostile files (issue 11): refused with a 400 naming the reason, never a 500; a decompression bomb at once.


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("build", "words"),
    [
        (hostile_files.xxe, "declares a DOCTYPE or entities (in xl/worksheets/sheet1.xml)"),
        (hostile_files.billion_laughs, "declares a DOCTYPE or entities (in xl/worksheets/sheet1.xml)"),
        (hostile_files.truncated, "cannot be read; it may be damaged (xl/worksheets/sheet1.xml, line 1"),
    ],
    ids=["xxe", "billion-laughs", "unclosed-sheet-xml"],
)
def test_a_poisoned_workbook_is_refused_with_its_reason(client, staff_a, deposit, build, words):
    client.force_login(staff_a)
    before = DepositSurvey.objects.count()

    response = upload(client, deposit, "surveys.xlsx", build(["year", "tonnage_t"], ["2000", "1000"]))

    assert response.status_code == 400
    assert words in html.unescape(response.content.decode())
    assert DepositSurvey.objects.count() == before


@pytest.mark.django_db
def test_a_decompression_bomb_is_refused_at_once_naming_the_limit(client, staff_a, deposit):
    client.force_login(staff_a)
    columns = ["year", "tonnage_t", "annual_t", "area_ha", "max_height_m", "mean_height_m", "source"]
    bomb = hostile_files.bomb(columns, ["2000", "1000", "", "", "", "", "archive"], rows=1_000_000)

    started = time.monotonic()
    response = upload(client, deposit, "surveys.xlsx", bomb)

    assert time.monotonic() - started < 5
    assert response.status_code == 400
    assert "The file has more than 10000 rows below the header, the limit for this upload." in response.content.decode()
