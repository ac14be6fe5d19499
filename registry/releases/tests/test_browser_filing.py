"""The demo enterprise user files a release report by form and submits it; the demo inspector finds it in the
review queue and accepts it. Screenshots kept (artifacts/screenshots/release_*.png)."""

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from registry.demo import load_demo
from registry.permits.reference import load_substances
from registry.releases.models import ReleaseReport
from registry.releases.reference import load_thresholds
from registry.returns.tests.test_browser import log_in
from registry.tests.browser import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_release(page: Page, base: str, pk: int, substance: str, kg: str) -> None:
    page.goto(f"{base}/releases/{pk}/releases/new/")
    page.select_option("select[name=medium]", "air")
    page.fill("input[name=substance]", substance)
    page.fill("input[name=kg_per_year]", kg)
    page.select_option("select[name=method]", "M")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/releases/{pk}/")


def test_file_submit_and_accept_a_release_report(page: Page, live_server: LiveServer) -> None:
    load_demo()
    load_substances()
    load_thresholds()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page.set_extra_http_headers({"Accept-Language": "en"})

    log_in(page, base, "staff")
    page.goto(f"{base}/releases/new/")
    page.select_option("select[name=enterprise]", index=1)
    page.fill("input[name=year]", "2025")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=status]:has-text('draft')")
    report = ReleaseReport.objects.get(enterprise__memberships__user__username="staff", year=2025)
    add_release(page, base, report.pk, "SOx", "18500000")
    add_release(page, base, report.pk, "NOx", "950000")
    add_release(page, base, report.pk, "Hg", "4.2")  # below the 10 kg/yr threshold: kept, not published
    page.wait_for_selector("[data-testid=below-threshold]")
    page.screenshot(path=SCREENSHOTS / "release_form.png", full_page=True)

    for explanation in page.locator("form[action$='/submit/'] textarea").all():
        explanation.fill("Filed after the deadline: the stack measurements were audited first.")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=status]:has-text('submitted')")

    page.click("form[action='/accounts/logout/'] button")
    page.wait_for_url(f"{base}/")
    log_in(page, base, "inspector")
    page.goto(f"{base}/releases/")
    page.click(f"a[href='/releases/{report.pk}/']")
    page.screenshot(path=SCREENSHOTS / "release_review.png", full_page=True)
    page.click("[data-testid=accept]")
    page.wait_for_selector("[data-testid=status]:has-text('accepted')")
    page.screenshot(path=SCREENSHOTS / "release_accepted.png", full_page=True)
    report.refresh_from_db()
    assert report.accepted_id == report.current_id
