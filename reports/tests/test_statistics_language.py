"""The statistics in the reader's language: the charts' legends come translated with their data (the scripts write
none of their own and take the page's language for their numbers), and the downloads name their columns in it,
keeping numbers in the machine's form (CSV) or as numeric cells (XLSX)."""

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from registry.models import Region
from registry.reference import load_regions
from reports.models import MonitoringAggregate, WasteAggregate
from reports.reference import load_published_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def statistics(db):
    load_regions()
    load_published_statistics()
    karaganda = Region.objects.get(iso_code="KZ-35")
    WasteAggregate.objects.create(
        year=2023, region=karaganda, held=Decimal("5000000"), generated=Decimal("1851370"),
        received=0, recycled=Decimal("370274"), disposed=0, transferred=0,
    )  # fmt: skip
    MonitoringAggregate.objects.create(
        year=2023, region=karaganda, pollutant_code="Cu", medium="surface_water", unit="mg/l", results=4, mean=0.002,
        maximum=0.004, exceeding=2, high=0, extreme=0, points=5, enterprises=5,
    )  # fmt: skip


def json_block(page: str, name: str) -> dict:
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', page, re.S)
    assert found, f"no {name} on the page"
    return json.loads(found.group(1))


def test_the_national_chart_gets_its_legend_in_the_readers_language(client):
    page = client.get("/statistics/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    labels = json_block(page, "national-data")["labels"]
    assert labels["published_generated"] == "түзілді (жарияланған)"
    assert labels["unit"] == "мың тонна"


def test_the_region_chart_and_tables_speak_the_readers_language(client):
    page = client.get("/statistics/regions/KZ-35/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert json_block(page, "region-data")["labels"]["reported"] == "по отчётам предприятий"
    assert "<td>поверхностные воды</td>" in page
    assert "surface_water" not in page
    assert "мг/л" in page


def test_the_scripts_write_no_text_of_their_own():
    """A legend or unit written in a script would read English on every page: they come from the page."""
    for script in sorted((Path(settings.BASE_DIR) / "static" / "js").glob("*.js")):
        source = script.read_text(encoding="utf-8")
        # (An empty label, the lower edge of a band kept out of the legend, writes no text.)
        assert not re.search(r"label:\s*([\"'`])(?!\1)", source), f"{script.name} writes a label of its own"
        assert not re.search(r"[\"'`]\s*(Mt|kt|MPC|t)\s*[\"'`]|\} (Mt|kt|t)`", source), f"{script.name} writes a unit"
        if "new Chart(" in source:
            assert "locale: window.qaldyqLocale" in source, f"{script.name} ignores the page's language"
        if script.name != "locale.js":
            # One rule decides the locale (locale.js, Kazakh through Russian's rules where the browser lacks it).
            assert "documentElement.lang" not in source, f"{script.name} reads the language itself"
            assert not re.search(r"toLocale\w*String\(\)|NumberFormat\(\)", source), (
                f"{script.name} uses the browser's locale"
            )


def test_the_csv_names_its_columns_in_the_readers_language_and_keeps_machine_numbers(client):
    response = client.get("/statistics/", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="ru")
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert header[0] == "Год"
    assert "опубликован: образовано, тыс. т" in header
    assert "по отчётам предприятий: образовано, тыс. т" in header
    assert not [name for name in header if re.search(r"[a-z]_[a-z]", name)]
    assert "180506.7" in [cell for row in rows for cell in row]  # no grouping, a decimal point


def test_the_xlsx_holds_numbers_as_numbers_under_translated_headers(client):
    response = client.get("/statistics/regions/", {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="kk")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "Өңір"
    assert any(str(name).startswith("кәсіпорындардың есептері бойынша: 2023") for name in header)
    numbers = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row[2:]]
    assert any(isinstance(value, int | float) for value in numbers)
    assert not any(isinstance(value, str) and re.fullmatch(r"[\d\s.,]+", value) for value in numbers)
