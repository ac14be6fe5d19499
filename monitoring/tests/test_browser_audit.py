"""In headless Chromium, in Russian: an administrator edits a deposit in its form, an enterprise in the admin, the
severity rules in the admin (a new version) and an alert's status; each change then reads in the deposit's history
and the change log with translated labels and formatted old and new values."""

import pytest
from playwright.sync_api import Page

from monitoring import services
from monitoring.models import Alert
from monitoring.reference import load_monitoring_reference
from monitoring.tests.helpers import make_point, row
from portal.models import User
from portal.tests.factories import PASSWORD, UserFactory
from registry.tests.browser import SCREENSHOTS
from registry.tests.factories import DepositFactory, EnterpriseFactory, MembershipFactory, RegionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_changes_read_in_the_history_and_the_change_log(page, live_server):
    load_monitoring_reference()
    region = RegionFactory(iso_code="KZ-35", name_en="Karaganda", name_ru="Карагандинская область")
    enterprise = EnterpriseFactory(name="Kazakhmys Smelting LLP", region=region, address="")
    deposit = DepositFactory(operator=enterprise, name="Balkhash slag dumps", status="operating", notes="")
    staff = MembershipFactory(enterprise=enterprise, user__username="staff").user
    UserFactory(username="admin", role=User.Role.ADMINISTRATOR, first_name="Айгуль", last_name="Серикова")
    point = make_point(enterprise, "AIR-1", "air")
    services.submission_create(actor=staff, enterprise=enterprise, rows=[row(point.code, "Cu", "0.03")])
    alert = Alert.objects.get()
    base = live_server.url
    # Django's admin pages name no icon, so the browser asks for /favicon.ico, which the site does not serve.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.set_extra_http_headers({"Accept-Language": "ru"})
    log_in(page, base, "admin")

    page.goto(f"{base}/registry/deposits/{deposit.pk}/edit/")
    page.select_option("select[name=status]", "inactive")
    page.fill("input[name=annual_increase_min_t]", "1000")
    page.fill("input[name=annual_increase_max_t]", "2500.5")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/registry/deposits/{deposit.pk}/")

    page.goto(f"{base}/admin/registry/enterprise/{enterprise.pk}/change/")
    page.fill("input[name=address]", "Балхаш, ул. Ленина, 1")
    page.click("input[name=_save]")
    page.wait_for_url(f"{base}/admin/registry/enterprise/")

    page.goto(f"{base}/admin/monitoring/severityruleset/add/")
    page.fill("textarea[name=note]", "Воздух: высокое загрязнение от 5 ПДК.")
    page.fill("input[name=rules-0-high_multiple]", "5")
    page.click("input[name=_save]")
    page.wait_for_url(f"{base}/admin/monitoring/severityruleset/")

    page.goto(f"{base}/monitoring/alerts/{alert.pk}/")
    page.select_option("select[name=status]", "acknowledged")
    page.click("main form:has(select[name=status]) button[type=submit]")
    page.wait_for_selector("article.message")

    page.goto(f"{base}/registry/deposits/{deposit.pk}/history/")
    history = page.inner_text("main")
    assert "Статус" in history and "действующий" in history and "недействующий" in history
    assert "Годовой прирост до, т" in history and "2\xa0500,5" in history
    assert "Айгуль Серикова" in history and "система" in history  # the deposit's creation, by no one logged in

    page.goto(f"{base}/audit/?model=monitoring.severityruleset")
    rule_set = page.inner_text("main")
    assert "Примечание" in rule_set and "Воздух: высокое загрязнение от 5 ПДК." in rule_set
    page.goto(f"{base}/audit/?model=monitoring.severityrule")
    rules = page.inner_text("main")
    assert "Кратность ПДК для высокого загрязнения" in rules and "5,00" in rules

    page.goto(f"{base}/audit/?kind=update")
    log = page.inner_text("main")
    assert "Адрес" in log and "Балхаш, ул. Ленина, 1" in log  # the enterprise, in the admin
    assert "Годовой прирост до, т" in log and "2\xa0500,5" in log  # the deposit, in its form
    assert "новое" in log and "принято к сведению" in log  # the alert
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "audit-history.png", full_page=True)
