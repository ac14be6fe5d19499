"""The regional table, a region page with its chart and map, and switching the language, in headless Chromium."""

import pytest
from playwright.sync_api import Page

from registry.reference import load_regions
from registry.tests.browser import SCREENSHOTS
from reports.reference import load_published_statistics

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_regional_table_region_page_and_language(page: Page, live_server: object) -> None:
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
