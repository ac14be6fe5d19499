"""Headless Chromium (Debian's package) driven by Playwright, for the browser tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, sync_playwright

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture
def page(live_server: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the live server's
    # teardown are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                errors.append(message.text)

        def failed(request: Request) -> None:
            # A request the browser itself cancels because the page navigated on is not an error of the page.
            if request.failure != "net::ERR_ABORTED":
                errors.append(f"{request.url} {request.failure}")

        page.on("console", console)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("requestfailed", failed)
        yield page
        browser.close()
    assert errors == [], errors
