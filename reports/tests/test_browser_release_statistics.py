"""The release statistics page on a phone (390 px) and a laptop (1366 px): no sideways scrolling of the page (the
tables scroll in their own box on a phone, and fit a laptop), axe finds nothing serious, and the year picker and
the filters narrow what is shown."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from registry.models import Region
from registry.reference import load_regions
from registry.releases.tests.factories import ReleaseThresholdFactory, SubstanceFactory, accepted_report
from registry.tests.browser import SCREENSHOTS
from registry.tests.factories import EnterpriseFactory
from reports.aggregates import rebuild_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
TABLES_SCROLLING = """() => [...document.querySelectorAll(".table-scroll")]
    .filter((box) => box.scrollWidth > box.clientWidth).length"""


def test_the_release_statistics_page_on_a_phone_and_a_laptop(page: Page, live_server: LiveServer) -> None:
    load_regions()
    ReleaseThresholdFactory(substance=SubstanceFactory(code="SOx", name="Sulphur oxides"), kg_per_year=150000)
    ReleaseThresholdFactory(substance=SubstanceFactory(code="PM10", name="Particulate matter"), kg_per_year=50000)
    # Built by the factory, which the type checker sees as a factory.
    east: Any = EnterpriseFactory(name="Synthetic zinc smelter LLP", region=Region.objects.get(iso_code="KZ-63"))
    karaganda: Any = EnterpriseFactory(name="Synthetic copper plant LLP", region=Region.objects.get(iso_code="KZ-35"))
    for year, sulphur in ((2023, "21500000"), (2024, "20800000")):
        accepted_report(
            enterprise=east, year=year,
            releases=[{"substance": "SOx", "medium": "air", "kg_per_year": sulphur},
                      {"substance": "PM10", "medium": "air", "kg_per_year": "1250000.5"}],
        )  # fmt: skip
    accepted_report(
        enterprise=karaganda, year=2024, releases=[{"substance": "SOx", "medium": "air", "kg_per_year": "9000000"}]
    )
    rebuild_all()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_extra_http_headers({"Accept-Language": "en"})
    axe = AXE.read_text()

    for width, height in ((390, 844), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/statistics/releases/")
        assert "29,800,000" in page.inner_text("#release-national")  # 2024, the newest year
        assert page.evaluate(OVERFLOW) <= 1, f"the page scrolls sideways at {width} px"
        if width > 390:
            assert page.evaluate(TABLES_SCROLLING) == 0
        page.evaluate(axe)
        violations = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
        assert [v["id"] for v in violations if v["impact"] in {"serious", "critical"}] == []
        page.screenshot(path=SCREENSHOTS / f"release-statistics-{width}.png", full_page=True)

    page.select_option("#id_year", "2023")
    page.click("#release-filters button[type=submit]")
    page.wait_for_url("**/statistics/releases/?year=2023*")
    assert "21,500,000" in page.inner_text("#release-national")
    assert "Karaganda" not in page.inner_text("#release-regional")
