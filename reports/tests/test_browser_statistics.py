"""The regional table, a region page with its chart and map, switching the language, and a provisional year, in
headless Chromium."""

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from portal.models import User
from registry.demo import load_demo
from registry.reference import load_regions
from registry.returns import services
from registry.returns.demo import load_returns_demo
from registry.returns.models import ReturnStatus, WasteReturn
from registry.tests.browser import SCREENSHOTS
from reports.aggregates import rebuild_all
from reports.reference import load_published_statistics

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_regional_table_region_page_and_language(page: Page, live_server: LiveServer) -> None:
    load_regions()
    load_published_statistics()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(f"{live_server.url}/statistics/regions/")
    assert "739,539.3" in page.inner_text("#regional-table")
    page.screenshot(path=SCREENSHOTS / "regional_table.png", full_page=True)

    page.click("#regional-table a:has-text('Karaganda')")
    page.wait_for_url("**/statistics/regions/KZ-35/")
    page.wait_for_function("typeof Chart !== 'undefined' && Chart.getChart('region-chart') !== undefined")
    page.wait_for_selector("#map path.leaflet-interactive")
    page.screenshot(path=SCREENSHOTS / "region_page.png", full_page=True)

    page.click("button[name=language][value=ru]")
    page.wait_for_selector("h1:has-text('Карагандинская область')")
    assert "739\u00a0539,3" in page.inner_text("main")
    page.screenshot(path=SCREENSHOTS / "region_page_ru.png", full_page=True)


def test_a_provisional_year_on_the_dashboard_chart_and_regional_table(page: Page, live_server: LiveServer) -> None:
    """The demo data with one 2024 return accepted: 2024 is marked provisional with its coverage on the dashboard
    (table and chart: the segment to 2024 dashed and lighter, with its note) and in the regional table."""
    load_demo()
    load_returns_demo()
    load_published_statistics()
    rebuild_all()
    waiting = WasteReturn.objects.get(year=2024, current__status=ReturnStatus.SUBMITTED).current_version
    services.return_accept(actor=User.objects.get(username="inspector"), version=waiting)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_extra_http_headers({"Accept-Language": "en"})

    page.goto(f"{live_server.url}/statistics/")
    page.wait_for_function("typeof Chart !== 'undefined' && Chart.getChart('national-chart') !== undefined")
    row = page.locator("tr", has=page.locator("td", has_text="2024")).first
    assert "1 of 21 expected returns (4.8 %)" in row.inner_text()
    assert row.locator(".badge.provisional").inner_text() == "provisional"
    # The reported line reaches 2024 dashed and lighter; 2022 to 2023 stays solid.
    segment = page.evaluate(
        """() => {
            const chart = Chart.getChart('national-chart');
            const years = chart.data.labels, style = chart.data.datasets[2].segment;
            const to = (year) => ({p0DataIndex: years.indexOf(year) - 1, p1DataIndex: years.indexOf(year)});
            return {provisional: style.borderDash(to(2024)), final: style.borderDash(to(2023)) || null,
                    colour: style.borderColor(to(2024))};
        }"""
    )
    assert segment == {"provisional": [6, 4], "final": None, "colour": "#1e63b566"}
    page.locator("#national-chart").scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "statistics-provisional.png", full_page=True)

    page.goto(f"{live_server.url}/statistics/regions/")
    header = page.locator('[data-testid="reported-2024"]')
    assert "provisional" in header.inner_text()
    karaganda = page.locator("#regional-table tr", has=page.locator("a", has_text="Karaganda"))
    assert "1 of 2 returns" in karaganda.inner_text()
    total = page.locator("#regional-table tfoot")
    assert "1 of 21 returns" in total.inner_text()
    page.screenshot(path=SCREENSHOTS / "statistics-provisional-regions.png", full_page=True)
