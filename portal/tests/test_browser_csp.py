"""The Django admin and DRF's browsable API under the portal's Content-Security-Policy (portal.headers), in headless
Chromium: no console error (a refused inline script or style is one, see registry.tests.browser.page) and their
scripts work. The portal's own pages and Swagger UI are run under it by
portal/tests/permission_matrix/test_browser_pages.py."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from portal.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_and_the_browsable_api_work_under_the_policy(page: Page, live_server: LiveServer) -> None:
    administrator = UserFactory.create(administrator=True)
    browser = Client()
    browser.force_login(administrator)
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    for path in ("/admin/", f"/admin/portal/user/{administrator.pk}/change/", "/admin/registry/deposit/add/"):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]

    # The change list's actions (admin/js/actions.js): the box in the header ticks every row.
    page.goto(f"{live_server.url}/admin/portal/user/")
    page.click("#action-toggle")
    assert page.is_checked(".action-select")
    # A date field's shortcuts (admin/js/admin/DateTimeShortcuts.js): "Today" fills it in.
    page.goto(f"{live_server.url}/admin/monitoring/mpcnorm/add/")
    page.click("#id_valid_from + .datetimeshortcuts a")
    assert page.input_value("#id_valid_from")

    # The browsable API, with its own policy that lets the `style` attributes of DRF's templates through.
    response = page.goto(f"{live_server.url}/api/v1/stats/waste/?year=2019")
    assert response is not None and response.status == 200
    assert "style-src-attr 'unsafe-inline'" in response.headers["content-security-policy"]
    page.wait_for_selector("pre.prettyprint")
