"""The demo enterprise user files a return through the form and submits it; the demo inspector accepts it."""

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from registry.demo import DEMO_PASSWORDS, load_demo
from registry.returns.demo import load_returns_demo
from registry.returns.models import WasteReturn
from registry.tests.browser import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORDS[username])
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_file_submit_and_accept_a_return(page: Page, live_server: LiveServer) -> None:
    load_demo()
    load_returns_demo()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page.set_extra_http_headers({"Accept-Language": "en"})

    log_in(page, base, "staff")
    page.goto(f"{base}/returns/new/")
    page.select_option("select[name=enterprise]", index=1)
    page.fill("input[name=year]", "2025")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#new-line input[name=waste_code]")

    row = page.locator("#new-line")
    row.locator("input[name=waste_code]").fill("10 06 01")
    row.locator("input[name=opening]").fill("32470000")
    row.locator("input[name=generated]").fill("400000")
    row.locator("input[name=recycled]").fill("10000")
    row.locator("input[name=closing]").fill("32800000")
    page.wait_for_selector("#new-line .balance:has-text('32,860,000')")  # checked as you type
    row.locator("input[name=closing]").fill("32860000")
    page.wait_for_selector("#new-line .balance .ok")
    row.locator("button:has-text('Save line')").click()
    page.wait_for_selector("#line-1")
    page.screenshot(path=SCREENSHOTS / "return_form.png", full_page=True)

    page.reload()
    for explanation in page.locator("form[action$='/submit/'] textarea").all():
        explanation.fill("Filed late because the 2025 inventory was finished in November.")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=status]:has-text('submitted')")
    waste_return = WasteReturn.objects.get(enterprise__memberships__user__username="staff", year=2025)

    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_url(f"{base}/")
    log_in(page, base, "inspector")
    page.goto(f"{base}/returns/?status=submitted")
    page.click(f"a[href='/returns/{waste_return.pk}/']")
    page.screenshot(path=SCREENSHOTS / "return_review.png", full_page=True)
    page.click("[data-testid=accept]")
    page.wait_for_selector("[data-testid=status]:has-text('accepted')")
    page.screenshot(path=SCREENSHOTS / "return_accepted.png", full_page=True)
    waste_return.refresh_from_db()
    assert waste_return.accepted_id == waste_return.current_id
