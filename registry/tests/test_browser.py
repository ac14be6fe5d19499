"""Headless Chromium opens the deposit map and the Balkhash deposit page; any console error fails."""

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from portal.models import User
from registry.demo import load_balkhash
from registry.reference import load_regions
from registry.tests.browser import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def balkhash() -> int:
    load_regions()
    admin = User.objects.create(username="loader", role=User.Role.ADMINISTRATOR)
    load_balkhash(admin)
    return admin.pk


def test_deposit_map_and_page(page: Page, live_server: LiveServer, balkhash: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/registry/deposits/?region=KZ-35")
    page.wait_for_selector("#map path.leaflet-interactive")  # the country outline is drawn
    page.wait_for_selector("#map .leaflet-marker-icon, #map path.leaflet-interactive >> nth=1")
    page.screenshot(path=SCREENSHOTS / "deposit_map.png", full_page=True)

    page.click("text=Balkhash Copper Plant slag dumps")
    page.wait_for_selector("#survey-chart")
    page.wait_for_function("typeof Chart !== 'undefined' && Chart.getChart('survey-chart') !== undefined")
    years = page.evaluate("Chart.getChart('survey-chart').data.datasets[0].data.map(p => p.x)")
    assert years == [1970, 1990, 2000, 2010, 2020, 2023]
    page.fill("#id_year", "2030")
    page.click("#forecast button[type=submit]")
    page.wait_for_selector("[data-testid=forecast-tonnage]:has-text('35')")
    tonnage = page.inner_text("[data-testid=forecast-tonnage]")
    assert "35,06" in tonnage or "35.06" in tonnage, tonnage
    assert "35,55" in tonnage or "35.55" in tonnage, tonnage
    page.screenshot(path=SCREENSHOTS / "deposit_page.png", full_page=True)
