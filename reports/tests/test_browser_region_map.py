"""A region page's map in headless Chromium: zoomed to the region, a legend for the deposit kinds, and cluster
counts centred in their bubbles (Pico dresses Leaflet's role="button" icons as buttons otherwise)."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from registry.models import Region
from registry.reference import load_regions
from registry.tests.browser import SCREENSHOTS
from registry.tests.factories import DepositFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_region_map_is_zoomed_with_legend_and_centred_clusters(page: Page, live_server: LiveServer) -> None:
    load_regions()
    karaganda = Region.objects.get(iso_code="KZ-35")
    for _ in range(3):
        DepositFactory(
            region=karaganda, operator__region=karaganda, is_published=True,
            latitude=Decimal("46.85"), longitude=Decimal("74.98"),
        )  # fmt: skip
    page.set_extra_http_headers({"Accept-Language": "en"})

    page.goto(f"{live_server.url}/statistics/regions/KZ-35/")
    page.wait_for_selector("#map[data-view]")
    page.wait_for_selector("#map .region-name")
    cluster = page.locator("#map .marker-cluster")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "region_map.png", full_page=True)

    view = page.get_attribute("#map", "data-view")
    assert view
    west, south, east, north = map(float, view.split(","))
    # Karaganda's outline (45.9-51.3 N, 62.7-78.4 E) is in view; the country (40.6-55.4 N, 46.5-87.3 E) is not
    assert south <= 45.95 and north >= 51.27 and west <= 62.66 and east >= 78.3
    assert north - south < 12 and east - west < 38
    legend = page.locator("#map .map-legend li")
    assert [text.strip() for text in legend.all_inner_texts()] == [
        "mining",
        "mining-processing",
        "chemical-metallurgical",
        "energy",
    ]
    assert cluster.inner_text() == "3"
    style = cluster.evaluate(
        "c => { const s = getComputedStyle(c.querySelector('span')); return [s.textAlign, s.lineHeight,"
        " getComputedStyle(c).paddingLeft]; }"
    )
    assert style == ["center", "30px", "0px"]
    icon, count = cluster.bounding_box(), cluster.locator("span").bounding_box()
    assert icon and count
    assert abs((icon["x"] + icon["width"] / 2) - (count["x"] + count["width"] / 2)) < 1.5
    assert abs((icon["y"] + icon["height"] / 2) - (count["y"] + count["height"] / 2)) < 1.5
