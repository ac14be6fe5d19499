"""The file way in: a CSV read by the worker under a lease, staged set-based on PostgreSQL when every row is good,
row by row otherwise (which names each bad row and field); the outcome is the same either way."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from monitoring.emissions import services
from monitoring.emissions.models import EmissionSubmission, EmissionValue
from monitoring.emissions.tests.conftest import START
from monitoring.models import Alert

URL = "/api/v1/emissions/submissions/"
HEADER = "source,substance,interval_start,value,unit,flow_m3s\n"


def csv_of(lines):
    return SimpleUploadedFile("values.csv", (HEADER + "".join(f"{line}\n" for line in lines)).encode())


def line(minutes, value="1.0", unit="g/s", flow="", substance="SO2"):
    start = (START + datetime.timedelta(minutes=minutes)).isoformat()
    return f"0001,{substance},{start},{value},{unit},{flow}"


GOOD = [line(0, "2.0"), line(20, "1.2", "mg/m3", "1500"), line(80), line(0, "5", substance="NOx")]


def upload(client, enterprise, lines):
    answer = client.post(URL, {"enterprise": enterprise.bin, "file": csv_of(lines)}, format="multipart")
    assert answer.status_code == 202, answer.json()
    return EmissionSubmission.objects.get(pk=answer.json()["id"])


def _outcome():
    submission = EmissionSubmission.objects.get()
    values = sorted(EmissionValue.objects.values_list("interval_start", "rate_gs", "alert_id"))
    return submission, values


@pytest.mark.django_db(transaction=True)
def test_staged_path(client_for, staff_a, enterprise_a, channels, limit, inspector, monkeypatch):
    def no_row_path(*args, **kwargs):
        raise AssertionError("a good file takes the staged path")

    monkeypatch.setattr(services, "_ingest", no_row_path)
    submission = upload(client_for(staff_a), enterprise_a, GOOD)
    assert submission.status == "processed", (submission.error_code, submission.error_params)
    assert (submission.received_count, submission.over_limit_count, submission.gap_count) == (4, 2, 2)
    assert submission.gaps[0]["intervals"] == 2
    alert = Alert.objects.get()
    assert alert.result_count == 2 and float(alert.peak_gs) == 2.0
    assert EmissionValue.objects.filter(alert=alert).count() == 2
    assert sorted(EmissionValue.objects.values_list("rate_gs", flat=True)) == [1.0, 1.8, 2.0, 5.0]


@pytest.mark.django_db(transaction=True)
def test_row_path_same_outcome(client_for, staff_a, enterprise_a, channels, limit, inspector, monkeypatch):
    from monitoring.emissions import staging
    from monitoring.staging import NotUsual

    def not_usual(*args, **kwargs):
        raise NotUsual

    monkeypatch.setattr(staging, "ingest", not_usual)
    submission = upload(client_for(staff_a), enterprise_a, GOOD)
    assert (submission.status, submission.received_count, submission.over_limit_count) == ("processed", 4, 2)
    assert submission.gap_count == 2
    assert Alert.objects.get().result_count == 2
    assert EmissionValue.objects.exclude(alert=None).count() == 2


@pytest.mark.django_db(transaction=True)
def test_bad_file_saves_nothing(client_for, staff_a, enterprise_a, channels, limit):
    lines = [line(0), line(20, "1.0", "mg/m3"), line(40, "-1"), line(0)]
    submission = upload(client_for(staff_a), enterprise_a, lines)
    assert submission.status == "failed" and submission.error_code == "rows_invalid"
    found = {(error["row"], error["field"], error["code"]) for error in submission.errors}
    assert found == {(3, "flow_m3s", "flow_required"), (4, "value", "negative"), (5, "interval_start", "duplicate_row")}
    assert not EmissionValue.objects.exists()
    assert submission.duplicate_count == 1
    answer = client_for(staff_a).get(f"{URL}{submission.pk}/").json()
    assert answer["error"]["code"] == "rows_invalid" and len(answer["errors"]) == 3


@pytest.mark.django_db(transaction=True)
def test_file_of_stored_values_refused(client_for, staff_a, enterprise_a, channels, limit):
    client = client_for(staff_a)
    upload(client, enterprise_a, [line(0)])
    second = upload(client, enterprise_a, [line(20), line(0)])
    assert second.status == "failed"
    assert [(e["row"], e["code"]) for e in second.errors] == [(3, "already_submitted")]
    assert second.duplicate_count == 1
    assert EmissionValue.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_submission_audited(client_for, staff_a, enterprise_a, channels, limit):
    from portal.models import ChangeRecord

    submission = upload(client_for(staff_a), enterprise_a, [line(0)])
    records = ChangeRecord.objects.filter(object_id=str(submission.pk), content_type__model="emissionsubmission")
    assert records.exists()


@pytest.mark.django_db(transaction=True)
def test_xlsx_file(client_for, staff_a, enterprise_a, channels, limit):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    for text in GOOD:
        sheet.append(text.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    file = SimpleUploadedFile("values.xlsx", buffer.getvalue())
    answer = client_for(staff_a).post(URL, {"enterprise": enterprise_a.bin, "file": file}, format="multipart")
    submission = EmissionSubmission.objects.get(pk=answer.json()["id"])
    assert (submission.status, submission.received_count, submission.over_limit_count) == ("processed", 4, 2)
