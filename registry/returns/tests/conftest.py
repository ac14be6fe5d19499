"""Fixtures of the returns tests (the users, regions and enterprises come from the root conftest.py).

enterprise_a and enterprise_b are both in `region`, which `inspector` inspects; `other_inspector`
inspects `other_region` only.
"""

import csv
import datetime

import pytest
from django.utils import timezone

from registry.returns.models import FilingYear, WasteCode
from registry.returns.reference import DATA_DIR
from registry.returns.tests import helpers
from registry.tests.factories import DepositFactory

# Real entries of the national classifier, read from the file load_waste_codes() loads.
CODES = (helpers.SLAG, helpers.FLUE_DUST, helpers.TAILINGS_HAZARDOUS, helpers.TAILINGS, "01 03 04", "10 06 04")


@pytest.fixture(autouse=True)
def waste_codes(db):
    """A few real rows of registry/returns/data/waste_codes.csv (loading all 300 for every test is slow)."""
    with (DATA_DIR / "waste_codes.csv").open(encoding="utf-8") as handle:
        rows = {
            row["code"]: row
            for row in csv.DictReader(line for line in handle if not line.startswith("#"))
            if row["code"] in CODES
        }
    assert set(rows) == set(CODES)
    return {
        code: WasteCode.objects.create(
            code=code,
            hazardous=row["hazardous"] == "1",
            chapter=row["chapter"],
            name_en=row["name_en"],
            name_ru=row["name_ru"],
            name_kk=row["name_kk"],
        )
        for code, row in rows.items()
    }


@pytest.fixture(autouse=True)
def filing_years(db):
    """Deadlines in the future, so that only the tests about late filing meet the warning."""
    deadline = timezone.localdate() + datetime.timedelta(days=90)
    return {year: FilingYear.objects.create(year=year, deadline=deadline) for year in (2022, 2023, 2024, 2025)}


@pytest.fixture
def deposit_a(enterprise_a):
    return DepositFactory(name="Slag dump A", operator=enterprise_a)


@pytest.fixture
def deposit_b(enterprise_b):
    return DepositFactory(name="Slag dump B", operator=enterprise_b)


@pytest.fixture
def draft_return(staff_a, enterprise_a):
    """Enterprise A's return for 2024: version 1, a draft with one line of copper slag."""
    return helpers.create(staff_a, enterprise_a)


@pytest.fixture
def submitted_return(draft_return, staff_a):
    return helpers.submit(staff_a, draft_return)


@pytest.fixture
def accepted_return(submitted_return, inspector):
    return helpers.accept(inspector, submitted_return)


@pytest.fixture
def corrected_return(accepted_return, staff_a):
    """Version 1 accepted; version 2 a draft in which the slag line generated 60 t instead of 50 t."""
    waste_return = helpers.correct(staff_a, accepted_return)
    return helpers.replace_lines(staff_a, waste_return, [helpers.line(generated="60")])
