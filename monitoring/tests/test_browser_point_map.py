"""Headless Chromium opens the point map as a point's staff: the rings come from the states answer, and a popup,
opened, reads its point's latest results (value in the page's locale, ratio to the MPC, the link to the chart)."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from monitoring.tests.helpers import row, when

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_popup_fetches_the_latest_results_in_the_pages_language(
    page: Page,
    live_server: LiveServer,
    air,
    staff_a,
    enterprise_a,
    submit,
) -> None:
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.0035", sampled_at=when(days=-1))])  # 1.75 x MPC
    client = Client()
    client.force_login(staff_a)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ru", "url": live_server.url}])

    page.goto(f"{live_server.url}/monitoring/points/")
    page.wait_for_selector("#map[data-states]")  # the rings are drawn by state
    marker = page.locator("#map path.leaflet-interactive[stroke='#b71c1c']")  # the ring of an exceeding point
    expect(marker).to_have_count(1)
    marker.click(force=True)

    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator(".popup-results li[data-pollutant='Cu']")).to_be_visible()
    text = popup.inner_text()
    assert "0,0035" in text and "1,75" in text, text  # Russian's decimal comma
    assert popup.locator(f"a[href='/monitoring/points/{air.pk}/Cu/']").count() == 2  # the name and the result
