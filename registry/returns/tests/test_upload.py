"""POST /returns/<id>/upload/: a CSV replaces the draft's lines; a file with any wrong row changes nothing
and the page lists every wrong row as “Row N, field: message” (the header is row 1)."""

import html
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.tests import hostile_files
from registry.returns.checks import INPUT_FIELDS
from registry.returns.tests.helpers import FLUE_DUST, SLAG, TAILINGS, TAILINGS_HAZARDOUS, csv_upload, fresh, line

pytestmark = pytest.mark.django_db


def lines_of(waste_return):
    return list(fresh(waste_return).current.lines.order_by("position").values())


def upload(client, waste_return, file):
    return client.post(f"/returns/{waste_return.pk}/upload/", {"file": file})


def page(response):
    return html.unescape(response.content.decode())


def test_a_good_file_replaces_the_lines(web, staff_a, draft_return, deposit_a):
    rows = [
        line(SLAG, deposit=deposit_a, opening="1000", generated="250", recycled="50"),
        line(TAILINGS_HAZARDOUS, level="amber", opening="0", generated="12.345", recycled="0"),
    ]
    response = upload(web(staff_a), draft_return, csv_upload(rows))
    assert response.status_code == 302
    stored = fresh(draft_return).current.lines.order_by("position")
    assert [(item.position, item.waste_code.code, item.storage_deposit_id) for item in stored] == [
        (1, SLAG, deposit_a.pk),
        (2, TAILINGS_HAZARDOUS, None),
    ]
    assert str(stored[0].closing) == "1200.000"
    assert str(stored[1].closing) == "12.345"
    assert stored[1].hazard_level == "amber"


def test_the_csv_template_uploads_as_it_is(web, staff_a, draft_return):
    client = web(staff_a)
    template = client.get("/returns/template.csv")
    assert template.status_code == 200
    response = upload(client, draft_return, SimpleUploadedFile("template.csv", template.content))
    assert response.status_code == 302
    assert fresh(draft_return).current.lines.get().closing == 1200


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        (line(closing="130.002"), "closing", "the balance does not hold"),
        (line(disposed="-1", closing="130"), "disposed", "amounts cannot be negative"),
        (line("99 99 99"), "waste_code", "99 99 99 is not in the waste classifier"),
        (line("10 06 1"), "waste_code", "is not a six-digit code"),
        (line(FLUE_DUST), "hazard_level", "10 06 03* is hazardous"),
        (line(SLAG, level="red"), "hazard_level", "10 06 01 is not hazardous"),
    ],
    ids=["balance", "negative", "unknown", "malformed", "no-level", "level-on-non-hazardous"],
)
def test_a_bad_row_is_named_and_nothing_is_saved(web, staff_a, draft_return, row, field, words):
    before = lines_of(draft_return)
    response = upload(web(staff_a), draft_return, csv_upload([line(TAILINGS), row]))
    assert response.status_code == 400
    text = page(response)
    assert "Nothing was saved." in text
    assert f"Row 3, {field}: " in text
    assert words in text
    assert lines_of(draft_return) == before


def test_every_bad_row_is_listed_at_once(web, staff_a, draft_return, deposit_b):
    before = lines_of(draft_return)
    rows = [
        line(SLAG, closing="1"),
        line(TAILINGS),
        line(TAILINGS),
        line("99 99 99", opening="-3", closing="0"),
        line(TAILINGS_HAZARDOUS, level="", deposit=deposit_b),
    ]
    response = upload(web(staff_a), draft_return, csv_upload(rows))
    assert response.status_code == 400
    text = page(response)
    for expected in (
        "Row 2, closing: ",
        "Row 4, waste_code: 01 03 06 at this storage place is already on line 3.",
        "Row 5, waste_code: 99 99 99 is not in the waste classifier.",
        "Row 5, opening: amounts cannot be negative (-3).",
        f"Row 6, storage_deposit: deposit {deposit_b.pk} is not one of this enterprise's deposits.",
        "Row 6, hazard_level: 01 03 05* is hazardous",
    ):
        assert expected in text
    assert "Row 3," not in text
    assert lines_of(draft_return) == before


def test_a_file_without_the_columns_is_refused(web, staff_a, draft_return):
    before = lines_of(draft_return)
    file = SimpleUploadedFile("lines.csv", b"waste_code,opening,closing\n10 06 01,1,1\n")
    response = upload(web(staff_a), draft_return, file)
    assert response.status_code == 400
    assert "lacks the column(s): storage_deposit, hazard_level" in page(response)
    assert lines_of(draft_return) == before


def test_a_file_of_another_type_is_refused(web, staff_a, draft_return):
    response = upload(web(staff_a), draft_return, SimpleUploadedFile("lines.txt", b"hello"))
    assert response.status_code == 400
    assert "Upload a .csv or .xlsx file." in page(response)


def test_a_submitted_return_takes_no_file(web, staff_a, submitted_return):
    before = lines_of(submitted_return)
    response = upload(web(staff_a), submitted_return, csv_upload([line(TAILINGS)]))
    assert response.status_code == 400
    assert "Version 1 is submitted" in page(response)
    assert lines_of(submitted_return) == before


def test_semicolon_separated_files_are_read(web, staff_a, draft_return):
    content = (
        "waste_code;storage_deposit;hazard_level;opening;generated;received;recycled;disposed;transferred;closing\n"
    )
    content += "01 03 06;;;0;10,5;0;0;0;0;10,5\n"
    response = upload(web(staff_a), draft_return, SimpleUploadedFile("lines.csv", content.encode()))
    assert response.status_code == 302
    assert str(fresh(draft_return).current.lines.get().closing) == "10.500"


# Hostile files (issue 11): refused with a 400 naming the reason, never a 500; a decompression bomb at once.

GOOD_ROW = [SLAG, "", "", "100", "50", "0", "20", "0", "0", "130"]


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (hostile_files.xxe, "declares a DOCTYPE or entities (in xl/worksheets/sheet1.xml)"),
        (hostile_files.billion_laughs, "declares a DOCTYPE or entities (in xl/worksheets/sheet1.xml)"),
        (hostile_files.truncated, "cannot be read; it may be damaged (xl/worksheets/sheet1.xml, line 1"),
    ],
    ids=["xxe", "billion-laughs", "unclosed-sheet-xml"],
)
def test_a_poisoned_workbook_is_refused_with_its_reason(web, staff_a, draft_return, build, words):
    before = lines_of(draft_return)
    content = build(list(INPUT_FIELDS), GOOD_ROW)

    response = upload(web(staff_a), draft_return, SimpleUploadedFile("lines.xlsx", content))

    assert response.status_code == 400
    assert words in page(response)
    assert "root:" not in page(response)  # /etc/passwd was never read
    assert lines_of(draft_return) == before


def test_a_decompression_bomb_is_refused_at_once_naming_the_limit(web, staff_a, draft_return):
    # 1.8 MB that unpack to 400 MB of XML, a million rows: it took a web worker 30 s and then a 500.
    bomb = hostile_files.bomb(list(INPUT_FIELDS), GOOD_ROW, rows=1_000_000)
    before = lines_of(draft_return)

    started = time.monotonic()
    response = upload(web(staff_a), draft_return, SimpleUploadedFile("lines.xlsx", bomb))

    assert time.monotonic() - started < 5
    assert response.status_code == 400
    assert "The file has more than 10000 rows below the header, the limit for this upload." in page(response)
    assert lines_of(draft_return) == before


def test_after_an_upload_error_the_panel_stays_open_with_the_errors_in_it(web, staff_a, draft_return):
    response = upload(web(staff_a), draft_return, csv_upload([line(TAILINGS), line(TAILINGS, closing="1")]))

    assert response.status_code == 400
    text = page(response)
    start = text.index('<details id="upload" open>')
    panel = text[start : text.index("</details>", start)]
    assert 'data-testid="upload-errors"' in panel
    assert "Row 3, closing: " in panel
    assert 'type="file"' in panel  # to try again at once
