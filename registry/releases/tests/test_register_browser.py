"""The register's pages with figures in them (the permission matrix's world has none): an enterprise's page, the map
of sources and the inspector's discrepancies fit a phone and a laptop, draw their map, and axe finds no serious or
critical violation."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page

from registry.permits.models import PermitStatus
from registry.permits.tests.factories import EmissionLimitFactory, EmissionSourceFactory, PermitFactory
from registry.releases.models import TransferDirection
from registry.releases.tests.factories import ReleaseThresholdFactory, SubstanceFactory, accepted_report
from registry.returns.models import WasteCode
from registry.tests.browser import SCREENSHOTS
from registry.tests.factories import EnterpriseFactory, InspectorAssignmentFactory

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (390, 1366)  # a phone, a laptop
# The scans of portal/tests/permission_matrix/test_browser_pages.py (not imported: its world is a higher layer's).
SERIOUS = """() => axe.run(document, {resultTypes: ["violations"]}).then((result) => result.violations
    .filter((violation) => ["serious", "critical"].includes(violation.impact))
    .map((violation) => `${violation.id}: ${violation.nodes.slice(0, 3).map((node) => node.target).join("; ")}`))"""


def _smelter(region: Any) -> Any:
    smelter = EnterpriseFactory.create(
        name="Zinc Smelter JSC (synthetic, a very long registered name to wrap)", region=region
    )
    receiver = EnterpriseFactory.create(name="Slag Processing LLP", region=region)
    sox = ReleaseThresholdFactory(substance=SubstanceFactory(code="SOx"), kg_per_year=Decimal("150000")).substance
    ReleaseThresholdFactory(substance=SubstanceFactory(code="Hg"), kg_per_year=Decimal("10"))
    permit = PermitFactory(enterprise=smelter, status=PermitStatus.VERIFIED)
    code = WasteCode.objects.create(code="10 05 01", hazardous=False, chapter="10", name_en="Slags from zinc smelting")
    stacks = [EmissionSourceFactory(enterprise=smelter, code=f"000{n}", name=f"Stack {n}") for n in range(1, 4)]
    for stack in stacks:
        EmissionLimitFactory(permit=permit, source=stack, substance=sox, tonnes_per_year="8000")
    for year in range(2018, 2025):
        accepted_report(
            enterprise=smelter,
            year=year,
            releases=[
                *({"substance": "SOx", "source": stack, "kg_per_year": "7900000"} for stack in stacks),
                {"substance": "Hg", "kg_per_year": "4"},
                {"medium": "water", "substance": "Zn", "kg_per_year": "1200"},
            ],
            transfers=[{"direction": TransferDirection.SENT, "waste_code": code.code,
                        "counterpart_bin": receiver.bin, "tonnes": "3000"}],
        )  # fmt: skip
    accepted_report(
        enterprise=receiver, year=2024,
        transfers=[{"direction": TransferDirection.RECEIVED, "waste_code": code.code,
                    "counterpart_bin": smelter.bin, "tonnes": "2400"}],
    )  # fmt: skip
    return smelter


def _check(page: Page, url: str, name: str, axe: str) -> list[str]:
    problems = []
    page.set_viewport_size({"width": WIDTHS[0], "height": 844})
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200, url
    page.evaluate(axe)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        page.wait_for_timeout(100)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            problems.append(f"{url} at {width} px is {scroll} px wide")
        problems += [f"{url} at {width} px: {problem}" for problem in page.evaluate(SERIOUS)]
        page.screenshot(path=SCREENSHOTS / f"register-{name}-{width}.png", full_page=True)
    return problems


@pytest.mark.django_db(transaction=True)
def test_the_register_pages_fit_and_are_accessible(page: Page, live_server: Any, region: Any) -> None:
    smelter = _smelter(region)
    inspector = InspectorAssignmentFactory.create(region=region).user
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    axe = AXE.read_text()
    problems = _check(page, live_server.url + reverse("releases:register-enterprise", args=[smelter.pk]), "public", axe)
    assert page.locator("#map .leaflet-interactive").count() >= 1  # the sources drawn
    problems += _check(page, live_server.url + reverse("releases:source-map"), "map", axe)
    browser = Client()
    browser.force_login(inspector)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": browser.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    problems += _check(page, live_server.url + reverse("releases:discrepancies"), "discrepancies", axe)
    assert page.locator('[data-testid="discrepancy"]').count() == 7  # 2024, and 2018-2023 with nothing received
    problems += _check(page, live_server.url + reverse("releases:register-enterprise", args=[smelter.pk]), "own", axe)
    assert json.dumps(problems, indent=1, ensure_ascii=False) == "[]"
