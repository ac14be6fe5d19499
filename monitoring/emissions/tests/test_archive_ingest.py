"""Values of an archived year are refused with their row and field, by API and by file (whose set-based path leaves
the file to the row-by-row one, which says why); nothing is saved."""

import pytest
from django.core.management import call_command
from django.db import connection

from monitoring.emissions import services
from monitoring.emissions.models import EmissionValue
from monitoring.emissions.tests.conftest import row
from monitoring.emissions.tests.test_archive import DAY, post, values_of_2024_and_2025
from monitoring.emissions.tests.test_file_ingest import line, upload

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's")


@pytest.mark.django_db(transaction=True)
def test_values_of_an_archived_year_are_refused(client_for, staff_a, enterprise_a, channels, tmp_path, monkeypatch):
    client = client_for(staff_a)
    values_of_2024_and_2025(client, enterprise_a)
    call_command("archive_emission_values", "--before", "2025", "--out", str(tmp_path))

    answer = post(client, enterprise_a, [row(20), row(-30 * DAY)])
    assert answer.status_code == 400, answer.json()
    errors = [(error.get("row"), error["field"], error["code"]) for error in answer.json()["errors"]]
    assert errors == [(2, "interval_start", "archived")]
    assert "2025" in answer.json()["errors"][0]["message"]

    row_path = []
    read = services._ingest
    monkeypatch.setattr(services, "_ingest", lambda *args: row_path.append(1) or read(*args))
    submission = upload(client, enterprise_a, [line(40), line(-30 * DAY)])
    assert row_path  # the set-based path refused the file
    assert submission.status == "failed"
    assert [(error["row"], error["field"], error["code"]) for error in submission.errors] == [
        (3, "interval_start", "archived")
    ]
    assert EmissionValue.objects.count() == 1  # January 2025's, from before
