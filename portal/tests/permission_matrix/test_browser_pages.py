"""Every page of the site, as each kind of user sees it, in headless Chromium: it fits a phone (390 px) and a laptop
(1366 px) without scrolling sideways (a wide table scrolls in its own box), and axe-core finds no serious or
critical accessibility violation in it.

The pages are the GET rows of the permission matrix (test_matrix.ROWS) that answer a role 200 and are pages, not
downloads or fragments; the world is the matrix's (world.build_world), committed here, since the live server
reads it from another connection. One browser per module, one test per role; each page is loaded once and measured
at both widths. axe checks each page at both widths as the administrator, who is shown every page with every form
and button the other roles see (they are offered less, marked up alike).
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright
from pytest_django.live_server_helper import LiveServer

from portal.tests.permission_matrix import site
from portal.tests.permission_matrix.test_matrix import ROWS
from portal.tests.permission_matrix.world import ROLES, build_world
from registry.reference import load_regions
from registry.tests.browser import CHROMIUM_ARGS, SCREENSHOTS
from reports.reference import load_published_statistics

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# A phone's and a laptop's window, width and height.
PHONE, LAPTOP = (390, 844), (1366, 768)
# Who is shown the pages: the public and one user of each role (the matrix's other roles see the same pages).
SHOWN = ("anonymous", "staff_a", "inspector_r1", "administrator")
# GET rows that answer something other than a page: downloads, and the fragments htmx swaps into a page.
NOT_PAGES = {
    "registry:survey-template", "returns:template-csv", "returns:template-xlsx", "monitoring:template",
    "reports:report-download", "returns:line-row", "returns:line-new", "returns:line-edit",
    "registry:region-outlines", "monitoring:point-states", "monitoring:point-latest", "releases:register-download",
    "releases:template-csv", "releases:template-xlsx", "permits:template-csv", "permits:template-xlsx",
    "regimes:verdict-series",
}  # fmt: skip
# Pages whose pattern the matrix shows in another state: a submitted return, with the inspector's decision form.
EXTRA = [("returns:detail", "/returns/{ra_submitted}/", "L 200 404 200 404 200 L")]
# Who axe checks the pages as (see the docstring).
AXE_AS = "administrator"
# Pages that are not the portal's own: the Django admin and the API's interactive documentation (Swagger UI).
NOT_OURS = ("admin:", "api-")
# The pages kept as screenshots at both widths (artifacts/screenshots/layout-<role>-<width>-<name>.png), and those
# of any page that does not fit (overflow-...).
PICTURED = {
    ("anonymous", "home"), ("anonymous", "registry:deposit-list"), ("anonymous", "reports:dashboard"),
    ("anonymous", "reports:regional-table"), ("staff_a", "returns:detail"), ("staff_a", "monitoring:manual"),
    ("inspector_r1", "monitoring:deposit-matrix"), ("inspector_r1", "monitoring:alert-list"),
}  # fmt: skip
# On a phone the map of these pages starts on the first screen, the filters folded above it.
MAP_PAGES = {"registry:deposit-list", "monitoring:point-map"}
MAP_TOP = "document.getElementById('map').getBoundingClientRect().top"
# The statistics pages' tables, a column per year, fit a laptop's width without scrolling.
FITTING_TABLES = "reports:"
TABLES_SCROLLING = """() => [...document.querySelectorAll(".table-scroll")]
    .filter((box) => box.scrollWidth > box.clientWidth).length"""
# The elements that stick out of the page's width, outermost first.
OVERFLOWING = """() => {
    const width = document.documentElement.clientWidth, found = [];
    const clipped = (element) => {
        for (let outer = element.parentElement; outer && outer !== document.body; outer = outer.parentElement) {
            if (getComputedStyle(outer).overflowX !== "visible") return true;
        }
        return false;
    };
    for (const element of document.body.querySelectorAll("*")) {
        const inside = found.some((outer) => outer.contains(element));
        if (element.getBoundingClientRect().right > width + 1 && !inside && !clipped(element)) found.push(element);
    }
    return found.slice(0, 5).map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}` +
        `${e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\\s+/).join(".") : ""}` +
        ` (right edge ${Math.round(e.getBoundingClientRect().right)} px)`);
}"""
SETTLED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def pages_of(role: str) -> list[tuple[str, str]]:
    """The (key, path) of the pages the role is shown (200): one path of each URL pattern (the first of the
    matrix's rows), and the extra pages."""
    column = ROLES.index(role)
    pages: dict[str, str] = {}
    for key, method, path, expected, _body in ROWS:
        if method != "GET" or key in NOT_PAGES or "format=" in path or site.is_admin(key):
            continue
        if path.startswith("/api/") and key != "api-docs":
            continue
        if expected.split()[column] == "200":
            pages.setdefault(key, path)
    extra = [(key, path) for key, path, expected in EXTRA if expected.split()[column] == "200"]
    return [*pages.items(), *extra]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread, for the whole module; the ORM calls of the tests and
    # of the live server's teardown are still synchronous and safe (as registry.tests.browser.page).
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open_page(browser: Browser, live_server: LiveServer, session: str | None) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport={"width": LAPTOP[0], "height": LAPTOP[1]}, locale="en-GB")
    context.set_extra_http_headers({"Accept-Language": "en"})
    if session is not None:
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page = context.new_page()
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{page.url}: {message.text}")

    def failed(request: Request) -> None:
        if request.failure != "net::ERR_ABORTED":
            errors.append(f"{request.url} {request.failure}")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.on("requestfailed", failed)
    return page, errors


def _serious(violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}: "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in violations
        if violation["impact"] in {"serious", "critical"}
    ]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", SHOWN)
def test_every_page_fits_every_screen_and_is_accessible(
    role: str, browser: Browser, live_server: LiveServer, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    # The published statistics and the regions they name, so that the statistics pages show their full tables.
    load_regions()
    load_published_statistics()
    page, errors = _open_page(browser, live_server, world.sessions.get(role))
    axe = AXE.read_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for key, path in pages_of(role):
        url = path.format(**world.keys)
        name = key.split(":")[-1]
        page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
        response = page.goto(live_server.url + url, wait_until="domcontentloaded")
        assert response is not None and response.status == 200, f"{role} {url}: {response and response.status}"
        for width, height in (PHONE, LAPTOP):
            if width != PHONE[0]:
                page.set_viewport_size({"width": width, "height": height})
                page.evaluate(SETTLED)  # the charts follow the new width in the next frame
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll > inner:
                problems.append(f"{url} at {width} px is {scroll} px wide: {page.evaluate(OVERFLOWING)}")
                page.screenshot(path=SCREENSHOTS / f"overflow-{role}-{width}-{name}.png", full_page=True)
            elif (role, key) in PICTURED:
                page.screenshot(path=SCREENSHOTS / f"layout-{role}-{width}-{name}.png", full_page=True)
            if width == PHONE[0] and key in MAP_PAGES and page.evaluate(MAP_TOP) > height:
                problems.append(f"{url} at {width} px: the map starts below the first screen")
            if width == LAPTOP[0] and key.startswith(FITTING_TABLES) and page.evaluate(TABLES_SCROLLING):
                problems.append(f"{url} at {width} px: a table scrolls sideways")
            if role == AXE_AS and not key.startswith(NOT_OURS):
                # At both widths: a phone shows other markup (the folded menu and filters). Evaluated through the
                # DevTools protocol, which the page's Content-Security-Policy does not restrict.
                if width == PHONE[0]:
                    page.evaluate(axe)
                result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
                problems += [f"{url} at {width} px: {problem}" for problem in _serious(result["violations"])]
    page.context.close()
    assert problems == [], json.dumps(problems, indent=1, ensure_ascii=False)
    assert errors == [], errors


def test_every_page_of_the_matrix_is_visited_and_checked_by_axe() -> None:
    """A new page gets a row in the matrix (test_matrix's coverage test), and so a place in this test; axe sees it
    as the role it checks the pages as."""
    visited = {key for role in SHOWN for key, _ in pages_of(role)}
    pages = {key for key, method, path, *_ in ROWS if method == "GET" and not path.startswith("/api/")}
    missing = sorted(key for key in pages - NOT_PAGES - visited if not site.is_admin(key))
    assert missing == [], f"pages no role of the test is shown: {missing}"
    assert {path for _, path in pages_of(AXE_AS)} >= {path for role in SHOWN for _, path in pages_of(role)}
