"""Sources and limits by file and API: every row checked, errors naming row and field, nothing half-saved."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from portal.models import ChangeRecord
from portal.tests.api_errors import errors
from registry.permits.models import EmissionLimit, EmissionSource
from registry.permits.template import COLUMNS, column_label
from registry.permits.tests.factories import EmissionLimitFactory
from registry.permits.tests.helpers import LEAD, SOX, STACK, api_row, csv_upload
from registry.tests.factories import DepositFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("substances")]


def _upload(web, user, permit, rows):
    return web(user).post(f"/permits/{permit.pk}/upload/", {"file": csv_upload(rows)})


def test_a_file_adds_sources_and_sets_the_limits(web, staff_a, draft):
    outlet = {"source": "W01", "medium": "water", "kind": "outlet", "latitude": "46.85", "longitude": "74.99",
              "substance": "Cu", "tonnes_per_year": "0.5"}  # fmt: skip
    response = _upload(web, staff_a, draft, [{**STACK, **SOX}, LEAD, outlet])
    assert response.status_code == 302, response.content.decode()[:3000]
    stack = EmissionSource.objects.get(enterprise=draft.enterprise, code="0001")
    assert (stack.name, stack.height_m, stack.kind) == ("Main stack", 120, "organised")
    limits = {(limit.source.code, limit.substance.code): limit for limit in draft.limits.select_related("source")}
    assert set(limits) == {("0001", "SOx"), ("0001", "Pb"), ("W01", "Cu")}
    assert limits[("0001", "Pb")].tonnes_per_year == 28 and limits[("0001", "Pb")].grams_per_second is None
    # Loading it again changes nothing but the limits, which are the file's again.
    before = ChangeRecord.objects.filter(content_type__model="emissionsource").count()
    assert _upload(web, staff_a, draft, [SOX]).status_code == 302
    assert ChangeRecord.objects.filter(content_type__model="emissionsource").count() == before
    assert [limit.substance.code for limit in draft.limits.all()] == ["SOx"]


BAD_ROWS = [
    ({**STACK, **SOX, "tonnes_per_year": "-5"}, "tonnes_per_year", "negative"),
    ({**STACK, **SOX, "substance": "Unobtainium"}, "substance", "unknown_substance"),
    ({**STACK, **SOX, "substance": "1234-56-7"}, "substance", "unknown_cas"),
    ({**STACK, "substance": "Pb", "value": "28"}, "unit", "unit_required"),
    ({**STACK, "substance": "Pb", "value": "28", "unit": "kg"}, "unit", "invalid_unit"),
    ({**STACK, "substance": "Pb", "grams_per_second": "1"}, "tonnes_per_year", "required"),
    ({**STACK, **SOX, "medium": "water", "kind": "outlet", "height_m": "", "diameter_m": ""}, "grams_per_second",
     "rate_for_water"),
    ({**STACK, **SOX, "kind": "outlet", "height_m": "", "diameter_m": ""}, "kind", "kind_medium"),
    ({**STACK, **SOX, "latitude": "10"}, "latitude", "outside_kazakhstan"),
    ({**SOX, "source": "0099"}, "source", "unknown_source"),
    ({**STACK, **SOX, "tonnes_per_year": "1.1234567"}, "tonnes_per_year", "decimal_places"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "field", "code"), BAD_ROWS, ids=[code for _row, _field, code in BAD_ROWS])
def test_a_bad_row_is_refused_by_file_and_api_naming_row_and_field(web, client_for, staff_a, draft, row, field, code):
    kept = EmissionLimitFactory(permit=draft)
    good = {**STACK, "source": "G02", "substance": "NOx", "tonnes_per_year": "1"}
    response = _upload(web, staff_a, draft, [good, row])
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was saved." in page and "Row 3, " in page
    response = client_for(staff_a).put(
        f"/api/v1/permits/{draft.pk}/limits/", {"limits": [api_row(good), api_row(row)]}, format="json"
    )
    assert response.status_code == 400
    assert [(error["row"], error["field"], error["code"]) for error in errors(response)] == [(2, field, code)]
    assert list(draft.limits.all()) == [kept]
    assert not EmissionSource.objects.filter(code="G02").exists()


def test_a_row_repeating_a_limit_or_describing_a_source_otherwise_is_refused(client_for, staff_a, draft):
    rows = [{**STACK, **SOX}, SOX, {**STACK, "height_m": "90"}]
    response = client_for(staff_a).put(
        f"/api/v1/permits/{draft.pk}/limits/", {"limits": [api_row(row) for row in rows]}, format="json"
    )
    assert [(error["row"], error["field"], error["code"]) for error in errors(response)] == [
        (2, "substance", "duplicate_limit"),
        (3, "source", "conflicting_source"),
    ]
    assert not EmissionLimit.objects.exists()


def test_placement_limits_by_api(client_for, staff_a, draft, enterprise_b):
    own, foreign = DepositFactory(operator=draft.enterprise), DepositFactory(operator=enterprise_b)
    url = f"/api/v1/permits/{draft.pk}/limits/"
    body = {"limits": [api_row({**STACK, **SOX})], "placement_limits": [{"deposit": foreign.pk, "tonnes_per_year": 1}]}
    response = client_for(staff_a).put(url, body, format="json")
    assert [(error["row"], error["field"]) for error in errors(response)] == [(1, "placement_limits.deposit")]
    body["placement_limits"] = [{"deposit": own.pk, "tonnes_per_year": "250000"}]
    response = client_for(staff_a).put(url, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["placement_limits"][0]["tonnes_per_year"] == "250000.000"
    assert response.json()["limits"][0]["substance"] == "SOx"


def test_the_template_names_its_columns_in_the_readers_language(web):
    response = web(None).get("/permits/template.csv", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert len(header) == 11 and header[0] == "источник"
    assert web(None).get("/permits/template.xlsx").status_code == 200


def test_a_file_with_russian_headers_loads(web, staff_a, draft):
    with translation.override("ru"):
        header = [column_label(name) for name in COLUMNS]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    row = {**STACK, **SOX}
    writer.writerow([row.get(name, "") for name in COLUMNS])
    upload = SimpleUploadedFile("ru.csv", buffer.getvalue().encode(), content_type="text/csv")
    response = web(staff_a).post(f"/permits/{draft.pk}/upload/", {"file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert draft.limits.count() == 1
