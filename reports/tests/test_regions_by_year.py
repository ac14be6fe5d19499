"""A year's figures lie in the regions of its 31 December: an enterprise in today's Abai counts under East
Kazakhstan until 2021 and under Abai from 2022, on the pages, in the downloads and in the API; every year shows
only regions valid at its end, and they add up to the national figure."""

import csv
import datetime
import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from monitoring import services as monitoring_services
from monitoring.models import MonitoringPoint
from monitoring.reference import load_monitoring_reference
from registry import services as registry_services
from registry.demo import load_demo
from registry.models import EnterpriseRegionPeriod, Region
from registry.reference import load_region_splits, load_regions
from registry.returns.demo import load_returns_demo
from registry.returns.reference import load_waste_codes
from registry.tests.factories import EnterpriseFactory, MembershipFactory, RegionFactory
from reports.aggregates import rebuild_all
from reports.models import MonitoringAggregate, WasteAggregate
from reports.tests.test_aggregates import WASTE_FIELDS, accept, line, snapshot

pytestmark = pytest.mark.django_db

TABLE = "/statistics/regions/"
API = "/api/v1/stats/waste/"


@pytest.fixture
def kz(db):
    load_regions()
    load_region_splits()
    load_waste_codes()
    return {region.iso_code: region for region in Region.objects.all()}


def file_two_years(enterprise, administrator, callbacks):
    """Accepted returns for 2021 (1,000 t held at year end) and 2023 (1,500 t)."""
    staff = MembershipFactory(enterprise=enterprise).user
    with callbacks(execute=True):
        accept(staff, administrator, enterprise, 2021, [line("10 06 03", None, "amber", "0", "1000", "0")])
        accept(staff, administrator, enterprise, 2023, [line("10 06 03", None, "amber", "1000", "500", "0")])


def waste_keys() -> set[tuple[int, str]]:
    return set(WasteAggregate.objects.values_list("year", "region__iso_code"))


def reported_csv(client, download: str = "csv") -> dict[tuple[str, int], str]:
    """The regional table's download: (ISO code, year) -> the figure reported in returns, for non-empty cells."""
    response = client.get(TABLE, {"format": download})
    rows: list[list[Any]]
    if download == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = [["" if cell is None else cell for cell in row] for row in sheet.values]
    header, body = rows[0], rows[1:]
    reported = "reported in returns: "
    columns = {
        index: int(name.removeprefix(reported)) for index, name in enumerate(header) if name.startswith(reported)
    }
    return {(row[1], year): str(row[index]) for row in body for index, year in columns.items() if row[index] != ""}


def reported_api(client, **query) -> dict[tuple[str, int], Decimal]:
    """The stats API's reported "held" figures, every page: (region, year) -> thousand tonnes."""
    found, url, params = {}, API, {"page_size": 1000, **query}
    while url:
        page = client.get(url, params).json()
        for record in page["results"]:
            if record["source"] == "reported" and record["indicator"] == "held":
                found[(record["region"], record["year"])] = Decimal(record["value"])
        url, params = page["next"], {}
    return found


def test_a_return_of_an_enterprise_in_abai_counts_under_east_kazakhstan_for_2021_and_abai_for_2023(
    kz, administrator, client, django_capture_on_commit_callbacks
):
    enterprise = EnterpriseFactory(region=kz["KZ-10"])
    file_two_years(enterprise, administrator, django_capture_on_commit_callbacks)

    assert waste_keys() == {(2021, "KZ-63"), (2023, "KZ-10")}
    # The regional table's downloads.
    for download in ("csv", "xlsx"):
        cells = reported_csv(client, download)
        assert {key: Decimal(value) for key, value in cells.items() if key[0] != "KZ"} == {
            ("KZ-63", 2021): Decimal("1.0"), ("KZ-10", 2023): Decimal("1.5")
        }  # fmt: skip
    # The regional table's page.
    table = client.get(TABLE).context["table"]
    years = [column.year for column in table.columns]
    row_of = {row.region.iso_code: dict(zip(years, row.values, strict=True)) for row in table.rows}
    assert row_of["KZ-63"][2021] == Decimal("1.0") and row_of["KZ-63"][2023] is None
    assert row_of["KZ-10"][2023] == Decimal("1.5") and row_of["KZ-10"][2021] is None
    # The region pages.
    for iso_code, year in (("KZ-63", 2021), ("KZ-10", 2023)):
        rows = client.get(f"{TABLE}{iso_code}/").context["rows"]
        assert [(row_year, reported) for row_year, _published, reported, *_ in rows if reported is not None] == [
            (year, Decimal("1.0") if year == 2021 else Decimal("1.5"))
        ]
    # The API.
    assert reported_api(client, year=2021) == {("KZ-63", 2021): Decimal("1.0"), ("KZ", 2021): Decimal("1.0")}
    assert reported_api(client, year=2023) == {("KZ-10", 2023): Decimal("1.5"), ("KZ", 2023): Decimal("1.5")}
    assert reported_api(client, region="KZ-10") == {("KZ-10", 2023): Decimal("1.5")}
    # The full rebuild agrees with the incremental refresh.
    incremental = snapshot(WasteAggregate, WASTE_FIELDS)
    rebuild_all()
    assert snapshot(WasteAggregate, WASTE_FIELDS) == incremental


def test_monitoring_results_count_in_the_region_of_their_year(kz, django_capture_on_commit_callbacks):
    load_monitoring_reference()
    enterprise = EnterpriseFactory(region=kz["KZ-10"])
    staff = MembershipFactory(enterprise=enterprise).user
    MonitoringPoint.objects.create(enterprise=enterprise, code="AIR-1", medium="air", latitude="50.4", longitude="80.2")
    rows = [
        {"point": "AIR-1", "pollutant": "Cu", "sampled_at": f"{year}-05-01T10:00:00+05:00", "value": "0.001",
         "unit": "mg/m3", "averaging": "daily"}
        for year in (2021, 2023)
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        monitoring_services.submission_create(actor=staff, enterprise=enterprise, rows=rows)

    assert set(MonitoringAggregate.objects.values_list("year", "region__iso_code")) == {
        (2021, "KZ-63"),
        (2023, "KZ-10"),
    }


def test_a_split_applied_after_the_returns_moves_the_years_after_it(administrator, django_capture_on_commit_callbacks):
    load_waste_codes()
    parent = RegionFactory(iso_code="KZ-P1")
    new = RegionFactory(iso_code="KZ-N1", valid_from=datetime.date(2022, 6, 8))
    enterprise = EnterpriseFactory(region=parent)
    file_two_years(enterprise, administrator, django_capture_on_commit_callbacks)
    assert waste_keys() == {(2021, "KZ-P1"), (2023, "KZ-P1")}

    with django_capture_on_commit_callbacks(execute=True):
        registry_services.region_split(actor=administrator, parent=parent, region=new, date=datetime.date(2022, 6, 8))
    assert waste_keys() == {(2021, "KZ-P1"), (2023, "KZ-P1")}  # awaiting: it stays in the parent meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        period = EnterpriseRegionPeriod.objects.awaiting().get()
        registry_services.region_period_decide(actor=administrator, period=period, move=True)

    assert waste_keys() == {(2021, "KZ-P1"), (2023, "KZ-N1")}
    incremental = snapshot(WasteAggregate, WASTE_FIELDS)
    rebuild_all()
    assert snapshot(WasteAggregate, WASTE_FIELDS) == incremental


def valid_at_end(region: Region, year: int) -> bool:
    end = datetime.date(year, 12, 31)
    return (region.valid_from is None or region.valid_from <= end) and (
        region.valid_to is None or region.valid_to >= end
    )


def test_with_the_demo_data_each_year_shows_the_regions_of_its_end_and_they_add_up(client):
    load_demo()
    load_returns_demo()
    rebuild_all()
    regions = {region.iso_code: region for region in Region.objects.all()}

    figures = reported_api(client)
    by_year: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for (iso_code, year), value in figures.items():
        by_year[year][iso_code] = value
    assert sorted(by_year) == [2019, 2020, 2021, 2022, 2023]
    for year, values in by_year.items():
        national = values.pop("KZ")
        shown = set(values)
        assert shown == {code for code, region in regions.items() if valid_at_end(region, year)}, year
        # Each regional figure is rounded to 0.1 kt, the national one once.
        assert abs(sum(values.values()) - national) <= Decimal("0.05") * len(values), year
    # The regions split in 2022 appear from 2022, their parents every year.
    for new, parent in (("KZ-10", "KZ-63"), ("KZ-33", "KZ-19"), ("KZ-62", "KZ-35")):
        assert sorted(year for (code, year) in figures if code == new) == [2022, 2023]
        assert sorted(year for (code, year) in figures if code == parent) == [2019, 2020, 2021, 2022, 2023]
    # The regional table: the same regions per year, and its total row is their sum.
    table = client.get(TABLE).context["table"]
    for index, column in enumerate(table.columns):
        if column.source != "reported":
            continue
        cells = {row.region.iso_code: row.values[index] for row in table.rows if row.values[index] is not None}
        assert set(cells) == set(by_year[column.year]), column.year
        assert sum(cells.values()) == table.total.values[index]
