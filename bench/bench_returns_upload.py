"""A 10,000-line return file: read, checked and saved within 10 s (issue 3).

Baseline, measured in the same run: a bare bulk_create of the same 10,000 lines, with no reading
and no checks. The figure that matters is the end-to-end time; the ratio shows the cost of the checks.
"""

import io
import itertools
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from portal.models import User
from portal.uploads import read_table
from registry.models import Deposit, Enterprise, Membership, Region
from registry.reference import load_regions
from registry.returns import services
from registry.returns.checks import INPUT_FIELDS
from registry.returns.models import ReturnLine, ReturnVersion, WasteCode, WasteReturn
from registry.returns.reference import load_waste_codes
from registry.validators import bin_check_digit

LINES = 10_000
TARGET_SECONDS = 10.0


def _bin() -> str:
    first = "24014012345"
    return first + str(bin_check_digit(first))


@pytest.fixture
def filer(db):
    load_regions()
    load_waste_codes()
    region = Region.objects.get(iso_code="KZ-35")
    enterprise = Enterprise.objects.create(name="Bench LLP", bin=_bin(), region=region)
    user = User.objects.create(username="bench", role=User.Role.ENTERPRISE_STAFF)
    Membership.objects.create(user=user, enterprise=enterprise)
    Deposit.objects.bulk_create(
        Deposit(
            name=f"Dump {n}", operator=enterprise, region=region, kind="mining", subkind="overburden",
            latitude=Decimal("47.8"), longitude=Decimal("67.7"), state_year=2023, tonnage_t=Decimal(1000),
        )
        for n in range(40)
    )  # fmt: skip
    return user, enterprise


def _rows(enterprise: Enterprise) -> list[list[object]]:
    codes = list(WasteCode.objects.values_list("code", "hazardous"))
    deposits = list(Deposit.objects.filter(operator=enterprise).values_list("pk", flat=True))
    rows: list[list[object]] = []
    for (code, hazardous), deposit in itertools.islice(itertools.product(codes, deposits), LINES):
        opening, generated, recycled = 1000 + len(rows), 250.5, 40.25
        closing = Decimal(str(opening)) + Decimal("250.5") - Decimal("40.25")
        level = "amber" if hazardous else ""
        rows.append([code, deposit, level, opening, generated, 0, recycled, 0, 0, closing])
    return rows


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("lines")
    sheet.append(list(INPUT_FIELDS))
    for row in rows:
        sheet.append([str(value) if isinstance(value, Decimal) else value for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_ten_thousand_line_upload(filer):
    user, enterprise = filer
    rows = _rows(enterprise)
    assert len(rows) == LINES
    content = _xlsx(rows)
    waste_return = services.return_create(actor=user, enterprise=enterprise, year=2024, lines=[])

    started = time.perf_counter()
    table = read_table(SimpleUploadedFile("lines.xlsx", content), required=list(INPUT_FIELDS))
    reading = time.perf_counter() - started
    services.draft_replace_lines(
        actor=user, version=waste_return.current, lines=[row for _, row in table.rows], first_position=2
    )
    end_to_end = time.perf_counter() - started
    assert waste_return.current.lines.count() == LINES

    codes = dict(WasteCode.objects.values_list("code", "pk"))
    baseline_return = WasteReturn.objects.create(enterprise=enterprise, year=2023)
    version = ReturnVersion.objects.create(waste_return=baseline_return, number=1, created_by=user)
    started = time.perf_counter()
    ReturnLine.objects.bulk_create(
        [
            ReturnLine(
                version=version, position=n, waste_code_id=codes[row[0]], storage_deposit_id=row[1],
                hazard_level=row[2], opening=row[3], generated=Decimal(str(row[4])), received=0,
                recycled=Decimal(str(row[6])), disposed=0, transferred=0, closing=row[9],
            )
            for n, row in enumerate(rows, start=1)
        ],
        batch_size=2000,
    )  # fmt: skip
    baseline = time.perf_counter() - started

    print(f"\n[bench] returns upload of {LINES:,} lines (XLSX), read + checked + saved: {end_to_end:.2f} s")
    print(f"[bench]   of which reading the workbook: {reading:.2f} s")
    print(f"[bench]   baseline, bare bulk_create of the same lines without reading or checks: {baseline:.2f} s")
    print(f"[bench]   ratio to the baseline: {end_to_end / baseline:.1f} x (target: under {TARGET_SECONDS:.0f} s)")
    assert end_to_end < TARGET_SECONDS
