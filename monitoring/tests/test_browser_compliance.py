"""Headless Chromium opens the compliance matrix of a smelter with many substances, as the public and as an
inspector, on a phone (390 px) and a laptop (1366 px): the page does not scroll sideways (the matrix scrolls in its
own box) and axe-core finds no serious or critical violation."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from registry.permits.tests.factories import EmissionLimitFactory, EmissionSourceFactory, PermitFactory
from registry.releases.tests.factories import SubstanceFactory, accepted_report
from registry.tests.browser import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SUBSTANCES = ["SOx", "NOx", "CO", "PM10", "As", "Cd", "Cu", "Hg", "Ni", "Pb", "Zn", "HF"]


def test_the_matrix_fits_a_phone_and_a_laptop_and_axe_finds_nothing_serious(
    page: Page, live_server: LiveServer, enterprise_a, inspector
) -> None:
    permit = PermitFactory(enterprise=enterprise_a, verified=True)
    stacks = [EmissionSourceFactory(enterprise=enterprise_a, code=f"000{n}") for n in range(1, 5)]
    releases = []
    for n, code in enumerate(SUBSTANCES):
        substance = SubstanceFactory(code=code)
        for stack in stacks:
            EmissionLimitFactory(permit=permit, source=stack, substance=substance, tonnes_per_year=Decimal(100))
            if n % 3:
                releases.append({"substance": code, "source": stack, "kg_per_year": str(60000 + 20000 * n)})
    accepted_report(enterprise=enterprise_a, releases=releases, announce=True)
    client = Client()
    client.force_login(inspector)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    axe = AXE.read_text()
    url = f"{live_server.url}/monitoring/compliance/{enterprise_a.pk}/?year=2024"
    problems = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for who in ("public", "inspector"):
        if who == "inspector":
            page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        for width, height in ((390, 844), (1366, 768)):
            page.set_viewport_size({"width": width, "height": height})
            response = page.goto(url, wait_until="domcontentloaded")
            assert response is not None and response.status == 200
            assert page.locator("[data-testid=compliance-matrix] td.cell.over_limit").count() > 0
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll > inner:
                problems.append(f"{who} at {width} px: {scroll} px wide")
            page.screenshot(path=SCREENSHOTS / f"compliance-{who}-{width}.png", full_page=True)
            page.evaluate(axe)
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            problems += [
                f"{who} at {width} px: {violation['id']}"
                for violation in result["violations"]
                if violation["impact"] in ("serious", "critical")
            ]
    assert problems == []
