"""The return template: headers in the reader's language, numbers as numeric cells, the storage place by the
deposit's name; an upload takes the headers of any language or the machine names."""

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from registry.returns.checks import INPUT_FIELDS
from registry.returns.tests.helpers import SLAG, TAILINGS, csv_upload, fresh, line
from registry.tests.factories import DepositFactory

pytestmark = pytest.mark.django_db


def upload(client, waste_return, file):
    return client.post(f"/returns/{waste_return.pk}/upload/", {"file": file})


def test_the_xlsx_template_has_translated_headers_and_numeric_cells(web, staff_a):
    response = web(staff_a).get("/returns/template.xlsx", HTTP_ACCEPT_LANGUAGE="ru")

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header, example = list(sheet.iter_rows(values_only=True))
    assert header[:3] == ("код отхода", "место хранения", "уровень опасности")
    assert example[3:] == (1000, 250, 0, 50, 0, 0, 1200)  # numbers, not text


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_template_of_any_language_uploads_as_it_is(web, staff_a, draft_return, language):
    client = web(staff_a)
    template = client.get("/returns/template.xlsx", HTTP_ACCEPT_LANGUAGE=language)

    response = upload(client, draft_return, SimpleUploadedFile("template.xlsx", template.content))

    assert response.status_code == 302
    assert fresh(draft_return).current.lines.get().closing == 1200


def test_the_storage_place_is_taken_by_the_deposits_name(web, staff_a, draft_return, deposit_a):
    response = upload(web(staff_a), draft_return, csv_upload([line(SLAG, deposit="slag dump a ")]))

    assert response.status_code == 302
    assert fresh(draft_return).current.lines.get().storage_deposit_id == deposit_a.pk


def test_a_name_two_deposits_share_is_a_row_error(web, staff_a, draft_return, deposit_a, enterprise_a):
    DepositFactory(name="Slag dump A", operator=enterprise_a)

    response = upload(web(staff_a), draft_return, csv_upload([line(TAILINGS), line(SLAG, deposit="Slag dump A")]))

    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "Row 3, storage_deposit: several of this enterprise's deposits are named “Slag dump A”." in text


def test_an_unknown_deposit_name_is_a_row_error(web, staff_a, draft_return, deposit_b):
    response = upload(web(staff_a), draft_return, csv_upload([line(SLAG, deposit="Slag dump B")]))

    assert response.status_code == 400
    assert "is not the name of one of this enterprise" in response.content.decode()
    assert len(INPUT_FIELDS) == 10
