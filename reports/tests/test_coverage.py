"""Every figure reported in returns says how many returns it covers: for each year and region the enterprises
expected to file (`expected_filers`, by their region on 31 December), and of them those accepted, submitted and not
yet decided, and missing (sent back among them). Kept with the waste aggregates by the same refresh, rebuild and
nightly check; below the configured share a figure is provisional."""

import csv
import io
from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.specs.openapi.checks import response_schema_conformance

from portal.wsgi import application
from registry.models import Region
from registry.reference import load_region_splits, load_regions
from registry.returns import services
from registry.returns.models import WasteReturn
from registry.returns.reference import load_waste_codes
from registry.tests.factories import DepositFactory, EnterpriseFactory, MembershipFactory
from reports import aggregates
from reports.aggregates import check_against_rebuild, rebuild_all
from reports.models import DirtyAggregate, ReturnCoverage, WasteAggregate
from reports.reference import load_published_statistics
from reports.selectors import Coverage
from reports.tests.test_aggregates import accept, line, snapshot

COVERAGE_FIELDS = ("year", "region_id", "expected", "accepted", "submitted", "returned")
API = "/api/v1/stats/waste/"


def submit(staff, enterprise, year, lines):
    waste_return = services.return_create(actor=staff, enterprise=enterprise, year=year, lines=lines)
    version = waste_return.current
    confirmations = {w.key: "test" for w in services.current_warnings(version)}
    return services.return_submit(actor=staff, version=version, confirmations=confirmations)


def counts(year, region):
    row = ReturnCoverage.objects.get(year=year, region=region)
    return {name: getattr(row, name) for name in ("expected", "accepted", "submitted", "returned")}


@pytest.fixture
def codes(db):
    load_waste_codes()


@pytest.fixture
def filed(codes, region, other_region, enterprise_a, enterprise_b, staff_a, staff_b, inspector, other_inspector,
          django_capture_on_commit_callbacks):  # fmt: skip
    """2023 in R1: A accepted, B submitted, C holds a deposit and filed nothing; two enterprises there that are not
    expected (a deposit begun later, nothing at all). In R2: F's return sent back. Refreshed incrementally."""
    silent = EnterpriseFactory(name="Enterprise C LLP", region=region)
    DepositFactory(operator=silent, start_year=2001)
    DepositFactory(operator=EnterpriseFactory(region=region), start_year=2030)
    EnterpriseFactory(region=region)
    enterprise_f = EnterpriseFactory(name="Enterprise F LLP", region=other_region)
    staff_f = MembershipFactory(enterprise=enterprise_f).user
    amber = [line("10 06 03", None, "amber", "0", "130", "0")]
    with django_capture_on_commit_callbacks(execute=True):
        accept(staff_a, inspector, enterprise_a, 2023, amber)
        submit(staff_b, enterprise_b, 2023, amber)
        version = submit(staff_f, enterprise_f, 2023, amber)
        services.return_send_back(actor=other_inspector, version=version, reasons="Line 1 is wrong.")
    assert not DirtyAggregate.objects.exists()
    return silent


def test_each_year_and_region_counts_expected_accepted_submitted_and_missing(filed, region, other_region):
    assert counts(2023, region) == {"expected": 3, "accepted": 1, "submitted": 1, "returned": 0}
    assert counts(2023, other_region) == {"expected": 1, "accepted": 0, "submitted": 0, "returned": 1}
    # Only years with a submitted return have coverage.
    assert set(ReturnCoverage.objects.values_list("year", flat=True)) == {2023}
    # The incremental refresh and a rebuild agree, and the nightly check finds nothing.
    incremental = snapshot(ReturnCoverage, COVERAGE_FIELDS)
    rebuild_all()
    assert snapshot(ReturnCoverage, COVERAGE_FIELDS) == incremental
    assert check_against_rebuild(repair=False) == []


def test_submitting_expects_the_next_year_and_accepting_moves_a_return_from_submitted(
    filed, region, enterprise_b, staff_b, inspector, django_capture_on_commit_callbacks
):
    silent = filed
    staff_c = MembershipFactory(enterprise=silent).user
    with django_capture_on_commit_callbacks(execute=True):
        submit(staff_c, silent, 2024, [line("10 06 03", None, "amber", "0", "5", "0")])
        services.return_accept(actor=inspector, version=WasteReturn.objects.get(enterprise=enterprise_b).current)
    assert counts(2023, region) == {"expected": 3, "accepted": 2, "submitted": 0, "returned": 0}
    # 2024: C submitted; A and B filed for 2023 (and have staff), so they are expected too.
    assert counts(2024, region) == {"expected": 3, "accepted": 0, "submitted": 1, "returned": 0}
    incremental = snapshot(ReturnCoverage, COVERAGE_FIELDS)
    rebuild_all()
    assert snapshot(ReturnCoverage, COVERAGE_FIELDS) == incremental


def test_a_return_sent_back_removes_its_figures_and_the_coverage_says_so(
    codes, region, enterprise_a, enterprise_b, staff_a, staff_b, inspector, client, django_capture_on_commit_callbacks
):
    """Both enterprises' 2022 returns accepted (2 of 2); in 2023 A's is accepted and B's, submitted, is sent back:
    the 2023 figure holds A's alone, and its coverage (1 of 2, one sent back) marks it provisional, on a page that
    was cached before."""
    with django_capture_on_commit_callbacks(execute=True):
        accept(staff_a, inspector, enterprise_a, 2022, [line("10 06 03", None, "amber", "0", "100", "0")])
        accept(staff_b, inspector, enterprise_b, 2022, [line("10 06 03", None, "amber", "0", "300", "0")])
        accept(staff_a, inspector, enterprise_a, 2023, [line("10 06 03", None, "amber", "100", "100", "0")])
        version = submit(staff_b, enterprise_b, 2023, [line("10 06 03", None, "amber", "300", "300", "0")])
    url = f"/statistics/regions/{region.iso_code}/"
    page = client.get(url).content.decode()  # stored in the page cache for anonymous readers
    assert "1 of 2 expected returns (50.0 %) · 1 submitted, not yet decided" in page
    assert client.get(url).context is None  # answered from the page cache

    with django_capture_on_commit_callbacks(execute=True):
        services.return_send_back(actor=inspector, version=version, reasons="Opening balance.")
    assert counts(2023, region) == {"expected": 2, "accepted": 1, "submitted": 0, "returned": 1}
    assert WasteAggregate.objects.get(year=2023).held == Decimal("200")  # A's only
    page = client.get(url).content.decode()
    assert "1 of 2 expected returns (50.0 %) · 1 missing (1 sent back for correction)" in page
    row_2023 = page[page.index("<td>2023</td>") : page.index("</tr>", page.index("<td>2023</td>"))]
    assert "provisional" in row_2023
    row_2022 = page[page.index("<td>2022</td>") : page.index("</tr>", page.index("<td>2022</td>"))]
    assert "2 of 2 expected returns (100.0 %)" in row_2022 and "provisional" not in row_2022
    # The enterprise page says which year's statistics lack it.
    page = client.get(f"/statistics/enterprises/{enterprise_b.pk}/").content.decode()
    assert "Not in the statistics of 2023" in page


def test_a_year_of_an_enterprise_now_in_abai_is_covered_in_the_region_of_its_end(
    db, administrator, django_capture_on_commit_callbacks
):
    load_regions()
    load_region_splits()
    load_waste_codes()
    enterprise = EnterpriseFactory(region=Region.objects.get(iso_code="KZ-10"))
    staff = MembershipFactory(enterprise=enterprise).user
    with django_capture_on_commit_callbacks(execute=True):
        accept(staff, administrator, enterprise, 2021, [line("10 06 03", None, "amber", "0", "1000", "0")])
        accept(staff, administrator, enterprise, 2023, [line("10 06 03", None, "amber", "1000", "500", "0")])
    covered = {(row.year, row.region.iso_code): (row.expected, row.accepted) for row in ReturnCoverage.objects.all()}
    assert covered == {(2021, "KZ-63"): (1, 1), (2023, "KZ-10"): (1, 1)}


@pytest.mark.parametrize(
    ("percent", "accepted", "expected", "provisional"),
    [
        (90, 17, 20, True),
        (90, 18, 20, False),
        (50, 1, 2, False),
        (0, 0, 20, False),
        (100, 19, 20, True),
        (90, 0, 0, False),
    ],
)
def test_provisional_below_the_configured_share(settings, percent, accepted, expected, provisional):
    settings.STATISTICS_PROVISIONAL_BELOW_PERCENT = percent
    coverage = Coverage(expected=expected, accepted=accepted)
    assert coverage.provisional is provisional
    assert coverage.missing == expected - accepted


def test_the_downloads_carry_the_coverage_of_every_reported_figure(filed, region, other_region, client):
    text = client.get("/statistics/", {"format": "csv"}).content.decode("utf-8-sig")
    (record,) = [row for row in csv.DictReader(io.StringIO(text)) if row["Year"] == "2023"]
    assert {name: record[f"reported in returns: {name}"] for name in (
        "expected returns", "accepted returns", "submitted returns", "missing returns", "sent back returns",
        "coverage, %", "provisional",
    )} == {
        "expected returns": "4", "accepted returns": "1", "submitted returns": "1", "missing returns": "2",
        "sent back returns": "1", "coverage, %": "25.0", "provisional": "yes",
    }  # fmt: skip

    rows = list(
        csv.reader(io.StringIO(client.get("/statistics/regions/", {"format": "csv"}).content.decode("utf-8-sig")))
    )
    header, body = rows[0], {row[1]: row for row in rows[1:]}
    at = {name: index for index, name in enumerate(header)}
    r1, r2, kz = body[region.iso_code], body[other_region.iso_code], body["KZ"]
    assert (
        r1[at["reported in returns: 2023"]],
        r1[at["2023: accepted returns"]],
        r1[at["2023: expected returns"]],
    ) == (
        "0.1",
        "1",
        "3",
    )
    # R2 has no accepted return, so no figure; its coverage says why.
    assert (
        r2[at["reported in returns: 2023"]],
        r2[at["2023: missing returns"]],
        r2[at["2023: sent back returns"]],
    ) == (
        "",
        "1",
        "1",
    )
    assert (kz[at["2023: accepted returns"]], kz[at["2023: expected returns"]], kz[at["2023: provisional"]]) == (
        "1",
        "4",
        "yes",
    )


def test_the_api_gives_the_coverage_and_the_split_by_hazard_level_and_deposit_kind(
    codes, enterprise_a, staff_a, inspector, client, django_capture_on_commit_callbacks
):
    slag = DepositFactory(operator=enterprise_a, kind="chemical_metallurgical", subkind="slag").pk
    lines = [
        line("10 06 01", slag, "", "1000", "2000", "0"),  # non-hazardous, in a chemical-metallurgical deposit
        line("10 06 03", None, "amber", "0", "500", "0"),  # amber, not in a registered deposit
    ]
    with django_capture_on_commit_callbacks(execute=True):
        accept(staff_a, inspector, enterprise_a, 2023, lines)
    records = client.get(API, {"year": 2023, "region": "KZ"}).json()["results"]
    held = next(record for record in records if record["indicator"] == "held")
    assert held["value"] == "3.5"
    assert held["coverage"] == {
        "expected": 1, "accepted": 1, "submitted": 0, "missing": 0, "sent_back": 0, "share": "100.0",
        "provisional": False,
    }  # fmt: skip
    assert held["by_hazard_level"] == {"red": "0.0", "amber": "0.5", "green": "0.0", "non_hazardous": "3.0"}
    assert held["by_deposit_kind"] == {
        "mining": "0.0", "mining_processing": "0.0", "chemical_metallurgical": "3.0", "energy": "0.0",
        "not_in_deposit": "0.5",
    }  # fmt: skip
    generated = next(record for record in records if record["indicator"] == "generated")
    assert generated["by_hazard_level"]["amber"] == "0.5" and generated["by_deposit_kind"]["not_in_deposit"] == "0.5"
    # The regional records carry the same parts.
    regional = [r for r in client.get(API, {"year": 2023}).json()["results"] if r["region"] != "KZ"]
    assert {r["indicator"]: r["by_hazard_level"]["non_hazardous"] for r in regional}["held"] == "3.0"


def test_the_nightly_check_repairs_the_coverage_too(filed, region, caplog):
    ReturnCoverage.objects.filter(year=2023, region=region).update(accepted=3)
    (difference,) = check_against_rebuild(repair=True)
    assert (difference.kind, difference.table, difference.incremental, difference.rebuilt) == (
        "waste", "coverage", {"accepted": 3}, {"accepted": 1},
    )  # fmt: skip
    assert counts(2023, region)["accepted"] == 1
    assert any("coverage year=2023" in record.getMessage() for record in caplog.records)


def test_a_coverage_difference_awaits_any_refresh_of_its_year(filed, region, other_region, monkeypatch):
    monkeypatch.setattr(aggregates.refresh, "enqueue", lambda *args: None)  # the refresh does not run
    ReturnCoverage.objects.filter(year=2023, region=region).update(expected=9)
    aggregates.mark_dirty("waste", [(2023, other_region.pk)])  # the other region's mark recomputes the whole year
    (difference,) = check_against_rebuild(repair=False)
    assert difference.awaiting_refresh
    assert aggregates.refresh_dirty() == 1
    assert counts(2023, region)["expected"] == 3


def test_the_answers_conform_to_the_documented_schema(filed):
    """The coverage and the parts are in the OpenAPI schema (nullable objects, decimals as strings), and a real
    answer with published and reported records validates against it."""
    load_regions()
    load_published_statistics()
    # Requests go straight to the WSGI app inside the test's transaction (as in portal/tests/test_api_fuzz.py).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
        record = schema.raw_schema["components"]["schemas"]["WasteStat"]["properties"]
        assert {"coverage", "by_hazard_level", "by_deposit_kind"} <= set(record)
        for year in (2019, 2023):
            case = schema["/api/v1/stats/waste/"]["GET"].Case(query={"year": year, "page_size": 1000})
            response = case.call()
            assert response.json()["count"] > 0
            case.validate_response(response, checks=[response_schema_conformance])
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
