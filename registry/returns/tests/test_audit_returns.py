"""The returns' audited rows: a version's workflow (created, submitted, accepted or sent back, corrected) through the
pages and the API, recorded on its return; the classifier and the filing years in the admin and the loader."""

import pytest

from portal.tests.audit import Log
from portal.tests.forms import form_data
from registry.returns.models import FilingYear, ReturnVersion, WasteCode, WasteReturn
from registry.returns.reference import load_waste_codes
from registry.returns.tests import helpers

pytestmark = pytest.mark.django_db

API = "/api/v1/returns/"


def test_filing_a_return_through_the_page(web, staff_a, enterprise_a):
    log = Log()
    response = web(staff_a).post("/returns/new/", {"enterprise": enterprise_a.pk, "year": 2024})

    assert response.status_code == 302
    waste_return = WasteReturn.objects.get()
    record = log.only(ReturnVersion)
    assert (record.kind, record.user, record.parent_id) == ("create", staff_a, waste_return.pk)
    assert record.changes["status"] == [None, "draft"]
    assert (record.enterprise_id, record.region_id) == (enterprise_a.pk, enterprise_a.region_id)


@pytest.mark.parametrize("channel", ["page", "api"])
def test_submitting_and_accepting(web, client_for, staff_a, inspector, draft_return, channel):
    version = draft_return.current
    log = Log()
    if channel == "page":
        assert web(staff_a).post(f"/returns/{draft_return.pk}/submit/").status_code == 302
        assert web(inspector).post(f"/returns/{draft_return.pk}/accept/").status_code == 302
    else:
        assert client_for(staff_a).post(f"{API}{draft_return.pk}/submit/", {}, format="json").status_code == 200
        assert client_for(inspector).post(f"{API}{draft_return.pk}/accept/", format="json").status_code == 200

    submitted, accepted = log.records(ReturnVersion)
    assert (submitted.user, submitted.object_id) == (staff_a, version.pk)
    assert submitted.changes["status"] == ["draft", "submitted"]
    assert submitted.changes["submitted_by"] == [None, staff_a.pk]
    assert "warnings" not in submitted.changes
    assert accepted.user == inspector
    assert accepted.changes["status"] == ["submitted", "accepted"]
    assert accepted.changes["decided_by"] == [None, inspector.pk]


def test_sending_back_records_the_reasons_and_a_correction_is_a_new_version(
    client_for, staff_a, inspector, submitted_return
):
    log = Log()
    response = client_for(inspector).post(
        f"{API}{submitted_return.pk}/return/", {"reasons": "Line 1 is short."}, format="json"
    )
    assert response.status_code == 200, response.data
    assert client_for(staff_a).post(f"{API}{submitted_return.pk}/correct/", format="json").status_code == 200

    sent_back, corrected = log.records(ReturnVersion)
    assert sent_back.changes["reasons"] == ["", "Line 1 is short."]
    assert (corrected.kind, corrected.changes["number"]) == ("create", [None, 2])


def test_editing_lines_of_a_draft_records_nothing_on_the_version(staff_a, draft_return):
    log = Log()
    helpers.replace_lines(staff_a, draft_return, [helpers.line(generated="60")])
    assert log.records() == []


def test_a_waste_code_changed_in_the_admin(web, administrator, waste_codes):
    code = waste_codes[helpers.SLAG]
    url = f"/admin/returns/wastecode/{code.pk}/change/"
    page = web(administrator).get(url)
    log = Log()

    response = web(administrator).post(url, form_data(page.content, name_en="Copper slag (revised)"))

    assert response.status_code == 302
    record = log.only(WasteCode)
    assert (record.kind, record.user, record.changes) == (
        "update", administrator, {"name_en": [code.name_en, "Copper slag (revised)"]}
    )  # fmt: skip


def test_a_filing_year_added_in_the_admin(web, administrator):
    log = Log()
    response = web(administrator).post(
        "/admin/returns/filingyear/add/", {"year": 2026, "deadline": "2027-04-01", "change_factor": "2.5"}
    )

    assert response.status_code == 302
    record = log.only(FilingYear)
    assert (record.kind, record.changes["change_factor"]) == ("create", [None, "2.50"])


def test_loading_the_classifier_records_what_it_changes(waste_codes):
    WasteCode.objects.all().delete()
    log = Log()

    load_waste_codes()

    records = log.records(WasteCode)
    created = [record for record in records if record.kind == "create"]
    assert len(created) == WasteCode.objects.count()
    # The mirror entries are set after every code exists: one update each.
    mirrored = WasteCode.objects.exclude(mirror=None).count()
    assert len([record for record in records if record.kind == "update"]) == mirrored
    assert load_waste_codes() == 0
    assert len(log.records()) == len(records)
