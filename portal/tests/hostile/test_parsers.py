"""Every parser of rows meets random and boundary values: a return's lines (API, form, CSV and XLSX), a monitoring
result (API, form, file on the staged and the row-by-row path), a survey file's rows. Each row comes out either as
values its columns hold exactly (no rounding, no cutting, no control character, no date out of range) or as errors
naming its row and field; files end processed or failed, never half-saved, never stuck, never a server error."""

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from monitoring import services as monitoring_services
from monitoring.ingest import COLUMNS, Catalogue, check_row
from monitoring.models import Result, Submission
from monitoring.tests.helpers import row
from portal import values
from portal.tests.cache import clear_test_cache
from portal.tests.hostile.strategies import HOSTILE, HOSTILE_PARSERS, cells, like
from portal.tests.permission_matrix import test_matrix as matrix
from portal.tests.permission_matrix.world import World
from portal.uploads import Table
from registry import services as registry_services
from registry.models import DepositSurvey
from registry.returns.checks import AMOUNT_COLUMN, INPUT_FIELDS, parse_lines
from registry.returns.models import AMOUNT_FIELDS
from registry.returns.tests import helpers as returns

pytestmark = pytest.mark.django_db

FORBIDDEN = ("\x00", "\x07", "\x1b", "\x7f", "\ud800")


def changed(base: dict[str, Any], names: tuple[str, ...], *, surrogates: bool = False) -> st.SearchStrategy[dict]:
    """`base` with some of its fields (and an unknown one) replaced by hostile values or removed."""
    fields = {name: like(base.get(name), surrogates=surrogates) for name in [*names, "unknown"]}
    replacements = st.fixed_dictionaries({}, optional=fields)
    removals = st.sets(st.sampled_from(names), max_size=2)
    return st.builds(
        lambda new, gone: {name: value for name, value in {**base, **new}.items() if name not in gone},
        replacements,
        removals,
    )


def _fits_text(value: str, limit: int | None) -> None:
    assert not any(character in value for character in FORBIDDEN)
    assert limit is None or len(value) <= limit


# -- a return's lines


@HOSTILE_PARSERS
@given(raw=st.lists(changed(returns.line(), INPUT_FIELDS, surrogates=True), min_size=1, max_size=3))
def test_return_lines_parse_into_what_the_columns_hold_or_name_line_and_field(world, raw):
    deposits = {world.keys["a_pub"]}

    parsed, issues = parse_lines(raw, deposit_ids=deposits, first_position=2)

    for issue in issues:
        assert 2 <= issue.line < 2 + len(raw)
        assert issue.field in INPUT_FIELDS
        assert issue.message
    for line in parsed:
        for name in AMOUNT_FIELDS:
            amount = line.amounts[name]
            assert values.number(amount, **AMOUNT_COLUMN) == amount  # held exactly: nothing rounded
            assert amount >= 0
        assert line.storage_deposit_id in {None, *deposits}


# -- a monitoring result


@HOSTILE_PARSERS
@given(raw=changed(row("AIR-A", "Cu", "0.001", method="AAS", laboratory="Lab"), COLUMNS, surrogates=True))
def test_a_result_row_is_what_its_columns_hold_or_names_its_field(world, raw):
    catalogue = Catalogue(world.objects["A"])

    result, errors = check_row(7, raw, catalogue)

    assert (result is None) == bool(errors)
    for error in errors:
        assert (error.row, error.field in COLUMNS, bool(error.reason)) == (7, True, True)
        assert not any(character in error.reason for character in FORBIDDEN)  # a file's errors are stored as JSON
    if result is not None:
        assert values.number(result.value, **values.decimal_column(Result, "value")) == result.value
        assert values.EARLIEST <= result.sampled_at <= timezone.now()
        _fits_text(result.method, values.text_column(Result, "method"))
        _fits_text(result.laboratory, values.text_column(Result, "laboratory"))
        assert result.sampled_on == result.sampled_at.astimezone(catalogue.local_zone).date()


def _results_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows([[values_of.get(name, "") for name in COLUMNS] for values_of in rows])
    return buffer.getvalue()


def _usual_rows(count: int) -> list[dict[str, Any]]:
    """Good rows in the usual shape (ISO times with seconds and offset, plain decimals): the staged fast path."""
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)
    return [
        row("AIR-A", "Cu", "0.001", sampled_at=(start + datetime.timedelta(minutes=minute)).isoformat())
        for minute in range(count)
    ]


@HOSTILE
@given(rows=st.lists(changed(row("AIR-A", "Cu", "0.001"), COLUMNS), min_size=1, max_size=3), data=st.data())
def test_a_file_of_results_ends_processed_or_failed_never_half_saved(world, django_capture_on_commit_callbacks, rows,
                                                                      data):  # fmt: skip
    """On PostgreSQL a file in the usual shape takes the staged fast path; anything else is read row by row."""
    usual = _usual_rows(data.draw(st.integers(0, 3), label="good rows"))
    content = _results_csv([{name: str(value) for name, value in item.items()} for item in [*usual, *rows]])
    with transaction.atomic():
        submission = Submission.objects.create(
            enterprise=world.objects["A"], submitted_by=world.users["staff_a"], channel="file",
            file=ContentFile(content.encode("utf-8", "surrogatepass"), "results.csv"),
        )  # fmt: skip
        monitoring_services.submission_ingest_file(submission_id=submission.pk)
        submission.refresh_from_db()
        assert submission.status in {"processed", "failed"}, (submission.status, submission.error_code)
        stored = Result.objects.filter(submission=submission).count()
        assert stored == (submission.rows_total if submission.status == "processed" else 0)
        transaction.set_rollback(True)


# -- files of lines and of surveys, CSV and XLSX, through their pages


def _xlsx(header: list[str], row_values: list[object]) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(header)
    # XLSX cells are typed: numbers stay numbers; text loses what XML cannot hold (openpyxl refuses it).
    sheet.append([value if isinstance(value, int | float) else values.shown(value) for value in row_values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _file(kind: str, header: list[str], cells_of_row: dict[str, Any]) -> SimpleUploadedFile:
    ordered = [cells_of_row.get(name, "") for name in header]
    if kind == "xlsx":
        return SimpleUploadedFile("upload.xlsx", _xlsx(header, ordered))
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, [str(value) for value in ordered]])
    return SimpleUploadedFile("upload.csv", buffer.getvalue().encode())


def _page_upload(world: World, url: str, upload: SimpleUploadedFile) -> None:
    clear_test_cache()
    with transaction.atomic():
        before = matrix._fingerprint()
        response = world.client("staff_a").post(url, {"file": upload})
        assert response.status_code in {302, 200, 400}, response.content[:2000]
        if response.status_code != 302:
            assert matrix._fingerprint() == before
        transaction.set_rollback(True)


def _typed(current: object) -> st.SearchStrategy[object]:
    """What an XLSX cell may hold: a number or text."""
    return st.one_of(like(current).filter(lambda value: isinstance(value, int | float | str)), cells(current))


@HOSTILE
@given(kind=st.sampled_from(["csv", "xlsx"]), line=changed(returns.line(returns.TAILINGS), INPUT_FIELDS))
def test_a_file_of_lines_is_read_into_the_draft_or_refused_whole(world, kind, line):
    line = {name: value for name, value in line.items() if isinstance(value, int | float | str) or value is None}
    upload = _file(kind, list(INPUT_FIELDS), {name: "" if value is None else value for name, value in line.items()})
    _page_upload(world, f"/returns/{world.keys['ra_draft']}/upload/", upload)


SURVEY = {"year": 2020, "tonnage_t": "1100000", "annual_t": "", "area_ha": "12.5", "source": "archive"}


@HOSTILE
@given(
    kind=st.sampled_from(["csv", "xlsx"]),
    cells_of_row=st.fixed_dictionaries({}, optional={name: _typed(value) for name, value in SURVEY.items()}),
)
def test_a_file_of_surveys_is_added_or_refused_whole(world, kind, cells_of_row):
    upload = _file(kind, list(registry_services.SURVEY_COLUMNS), {**SURVEY, **cells_of_row})
    _page_upload(world, f"/registry/deposits/{world.keys['a_pub']}/surveys/upload/", upload)


@HOSTILE_PARSERS
@given(cells_of_row=st.fixed_dictionaries({}, optional={name: cells(value) for name, value in SURVEY.items()}))
def test_survey_rows_are_what_their_columns_hold_or_name_row_and_field(world, cells_of_row):
    table = Table(
        list(registry_services.SURVEY_COLUMNS), [(2, {**{k: str(v) for k, v in SURVEY.items()}, **cells_of_row})]
    )
    with transaction.atomic():
        surveys = DepositSurvey.objects.count()
        try:
            added = registry_services.surveys_import(
                actor=world.users["staff_a"], deposit=world.objects["a_pub"], table=table
            )
        except ValidationError as exc:
            assert all(message.startswith("Row 2") for message in exc.messages), exc.messages
            assert DepositSurvey.objects.count() == surveys
        else:
            for survey in added:
                assert values.EARLIEST_YEAR <= survey.year <= values.this_year()
                assert survey.tonnage_t == Decimal(str(survey.tonnage_t))
        transaction.set_rollback(True)
