"""Headless Chromium opens the deposit map and the Balkhash deposit page; any console error fails."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from portal.models import User
from registry.demo import load_balkhash
from registry.reference import load_regions

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(live_server: object) -> Iterator[Page]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the live server's
    # teardown are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("requestfailed", lambda request: errors.append(f"{request.url} failed"))
        yield page
        browser.close()
    assert errors == [], errors


@pytest.fixture
def balkhash() -> int:
    load_regions()
    admin = User.objects.create(username="loader", role=User.Role.ADMINISTRATOR)
    load_balkhash(admin)
    return admin.pk


def test_deposit_map_and_page(page: Page, live_server: object, balkhash: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/registry/deposits/?region=KZ-35")
    page.wait_for_selector("#map path.leaflet-interactive")  # the country outline is drawn
    page.wait_for_selector("#map .leaflet-marker-icon, #map path.leaflet-interactive >> nth=1")
    page.screenshot(path=SCREENSHOTS / "deposit_map.png", full_page=True)

    page.click("text=Balkhash Copper Plant slag dumps")
    page.wait_for_selector("#survey-chart")
    page.wait_for_function("Chart.getChart('survey-chart') !== undefined")
    years = page.evaluate("Chart.getChart('survey-chart').data.datasets[0].data.map(p => p.x)")
    assert years == [1970, 1990, 2000, 2010, 2020, 2023]
    page.fill("#id_year", "2030")
    page.click("#forecast button[type=submit]")
    page.wait_for_selector("[data-testid=forecast-tonnage]:has-text('35')")
    tonnage = page.inner_text("[data-testid=forecast-tonnage]")
    assert "35,06" in tonnage or "35.06" in tonnage, tonnage
    assert "35,55" in tonnage or "35.55" in tonnage, tonnage
    page.screenshot(path=SCREENSHOTS / "deposit_page.png", full_page=True)
