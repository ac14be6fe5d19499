"""The release statistics in the open API and on the public page: published figures only, the unit in every
record, figures as decimal strings, one FilterSet whose bad values are refused naming the field, and the CSV and
XLSX downloads of what the page shows."""

# ruff: noqa: RUF001 (Kazakh and Russian text)

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from registry.permits.tests.factories import PermitFactory
from registry.releases.tests.factories import ReleaseThresholdFactory, SubstanceFactory, accepted_report
from registry.tests.factories import EnterpriseFactory

API = "/api/v1/stats/releases/"
PAGE = "/statistics/releases/"


@pytest.fixture
def reported(region, other_region, enterprise_a, enterprise_b, django_capture_on_commit_callbacks):
    """2023: A (R1) releases 20,000 t of SOx and 150 kg of Pb to air (below its 200 kg threshold), B (R1) 1 t of
    SOx to water; C (R2) 500 kg of Pb to air. 2022: A 10,000 t of SOx. An enterprise of R2 with a verified
    category I permit has not reported."""
    ReleaseThresholdFactory(substance=SubstanceFactory(code="SOx", cas="7446-09-5"), kg_per_year=Decimal("150000"))
    ReleaseThresholdFactory(substance=SubstanceFactory(code="Pb", cas="7439-92-1"), kg_per_year=Decimal("200"))
    enterprise_c = EnterpriseFactory(name="Enterprise C LLP", region=other_region)
    PermitFactory(enterprise=EnterpriseFactory(name="Silent LLP", region=other_region), verified=True)

    def report(enterprise, year, *releases):
        accepted_report(
            enterprise=enterprise, year=year, announce=True,
            releases=[{"substance": code, "medium": medium, "kg_per_year": kg} for code, medium, kg in releases],
        )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        report(enterprise_a, 2023, ("SOx", "air", "20000000"), ("Pb", "air", "150"))
        report(enterprise_b, 2023, ("SOx", "water", "1000.5"))
        report(enterprise_c, 2023, ("Pb", "air", "500"))
        report(enterprise_a, 2022, ("SOx", "air", "10000000"))


def records(client, query=""):
    answer = client.get(f"{API}?{query}")
    assert answer.status_code == 200, answer.content
    return [
        (record["year"], record["region"], record["pollutant"], record["medium"], Decimal(record["value"]),
         record["unit"])
        for record in answer.json()["results"]
    ]  # fmt: skip


def test_national_and_regional_totals_of_published_figures_with_their_unit(reported, client):
    assert records(client, "year=2023") == [
        (2023, "KZ", "Pb", "air", Decimal("500"), "kg/yr"),  # A's 150 kg is below the threshold: not counted
        (2023, "KZ", "SOx", "air", Decimal("20000000"), "kg/yr"),
        (2023, "KZ", "SOx", "water", Decimal("1000.5"), "kg/yr"),
        (2023, "KZ-R1", "SOx", "air", Decimal("20000000"), "kg/yr"),
        (2023, "KZ-R1", "SOx", "water", Decimal("1000.5"), "kg/yr"),
        (2023, "KZ-R2", "Pb", "air", Decimal("500"), "kg/yr"),
    ]
    (record,) = client.get(f"{API}?year=2023&region=KZ-R2").json()["results"]
    assert record == {
        "year": 2023, "region": "KZ-R2", "pollutant": "Pb", "cas": "7439-92-1", "medium": "air",
        "value": "500.000000000",  # portal.values.figure: 12 significant digits
        "unit": "kg/yr", "enterprises": 1,
        # C and the silent holder of a category I permit are expected; C has reported.
        "coverage": {"expected": 2, "accepted": 1, "share": "50.0", "provisional": True},
    }  # fmt: skip


def test_the_filters_narrow_the_records(reported, client):
    assert records(client, "region=KZ&pollutant=SOx&medium=air") == [
        (2022, "KZ", "SOx", "air", Decimal("10000000"), "kg/yr"),
        (2023, "KZ", "SOx", "air", Decimal("20000000"), "kg/yr"),
    ]
    assert records(client, "year=2023&region=KZ-R1&medium=water") == [
        (2023, "KZ-R1", "SOx", "water", Decimal("1000.5"), "kg/yr")
    ]
    assert records(client, "year=2021") == []


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("year=20x3", "year", "invalid"),
        ("year=1066", "year", "min_value"),
        ("region=KZ-99", "region", "invalid_choice"),
        ("pollutant=Unobtainium", "pollutant", "invalid_choice"),
        ("medium=space", "medium", "invalid_choice"),
    ],
)
def test_a_bad_filter_is_refused_naming_its_field(reported, client, query, field, code):
    answer = client.get(f"{API}?{query}")
    assert answer.status_code == 400
    (error,) = answer.json()["errors"]
    assert (error["field"], error["code"]) == (field, code)


def test_the_page_shows_the_newest_year_and_its_coverage(reported, client):
    page = client.get(PAGE).content.decode()
    assert "Releases of pollutants 2023" in page
    assert "20,000,000" in page and "1,000.5" in page
    assert "150" not in page.split('id="release-national"')[1].split("</table>")[0]
    assert "3 of 4 expected reports" in page  # A, B and C of A, B, C and the silent holder of a permit
    older = client.get(f"{PAGE}?year=2022").content.decode()
    assert "10,000,000" in older and "20,000,000" not in older


def test_the_page_shows_a_bad_filter_s_error(reported, client):
    answer = client.get(f"{PAGE}?pollutant=Unobtainium")
    assert answer.status_code == 200
    assert 'role="alert"' in answer.content.decode()


def test_the_downloads_hold_what_the_page_shows(reported, client):
    answer = client.get(f"{PAGE}?year=2023&region=KZ-R1&format=csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:9] == [
        "Year", "Region", "ISO 3166-2", "Pollutant", "CAS number", "Medium", "Released", "Unit", "Enterprises",
    ]  # fmt: skip
    assert [(row[0], row[2], row[6], row[7]) for row in rows[1:]] == [
        ("2023", "KZ-R1", "20000000.000", "kg/yr"),
        ("2023", "KZ-R1", "1000.500", "kg/yr"),
    ]
    sheet = load_workbook(io.BytesIO(client.get(f"{PAGE}?year=2023&format=xlsx").content)).active
    values = list(sheet.values)
    assert len(values) == 1 + 6 and values[1][2] == "KZ"


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        ("kk", ["Ластаушы заттардың шығарындылары 2023", "Шығарылды, кг/жыл", "күтілетін 4 есептен 3"]),
        ("ru", ["Выбросы загрязняющих веществ 2023", "Выброшено, кг/год", "3 из 4 ожидаемых отчётов о выбросах"]),
    ],
)
def test_the_page_reads_in_kazakh_and_russian(reported, client, language, phrases):
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for phrase in phrases:
        assert phrase in page
    for english in ("Releases of pollutants", "expected report", "Only published figures"):
        assert english not in page


def test_the_api_reads_a_fixed_number_of_queries_however_many_totals(reported, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert len(client.get(API).json()["results"]) == 8
    with django_assert_max_num_queries(8):
        assert "20,000,000" in client.get(PAGE).content.decode()
