"""Every answer of the site carries the security headers (portal.headers), and every page keeps to its
Content-Security-Policy: no inline script or style sheet, no event handler attribute, no `style` attribute, no
`javascript:` link, so that the strict policy (no 'unsafe-inline', no 'unsafe-eval', no nonce) breaks nothing.

The answers are those of the GET rows of the permission matrix (pages, downloads, fragments, the API, the Django
admin, the API's documentation and its script), for the public (twice: the second answer may come from the page
cache), a staff user and an administrator. A real browser runs the pages under the policy in
test_browser_pages.py, which fails on any console error, a refused inline script or style included.
"""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import transaction

from portal.headers import build_policy
from portal.tests.permission_matrix.test_matrix import ROWS

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "anonymous", "staff_a", "administrator")
GETS = sorted({path for _key, method, path, _expected, _body in ROWS if method == "GET"} | {"/api/v1/docs/?script="})
STRICT = build_policy(settings.SECURE_CSP)
# DRF's browsable API has `style` attributes in its templates (portal.api.renderers).
BROWSABLE = build_policy({**settings.SECURE_CSP, "style-src-attr": ["'unsafe-inline'"]})
DATA_SCRIPTS = {"application/json", "application/ld+json"}


class _Inline(HTMLParser):
    """What a page has that a strict Content-Security-Policy refuses."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") not in DATA_SCRIPTS:
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"inline <style> at line {self.getpos()[0]}")
        for name, value in attributes.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            elif name == "style":
                self.found.append(f'<{tag} style="{value}">')
            elif name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")


def inline_parts(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("path", GETS)
def test_every_answer_carries_the_security_headers_and_keeps_to_its_policy(world, path):
    url = path.format(**world.keys)
    problems = []
    for role in ROLES:
        with transaction.atomic():
            response = world.client(role).get(url)
            transaction.set_rollback(True)
        where = f"{role} {response.status_code}"
        html = response["Content-Type"].startswith("text/html")
        browsable = html and url.startswith("/api/") and not url.startswith("/api/v1/docs/")
        if response.get("Content-Security-Policy") != (BROWSABLE if browsable else STRICT):
            problems.append(f"{where}: Content-Security-Policy {response.get('Content-Security-Policy')!r}")
        if "camera=()" not in response.get("Permissions-Policy", ""):
            problems.append(f"{where}: Permissions-Policy {response.get('Permissions-Policy')!r}")
        if response.get("Referrer-Policy") != "same-origin":
            problems.append(f"{where}: Referrer-Policy {response.get('Referrer-Policy')!r}")
        private = role != "anonymous" or response.cookies
        if (private or url.startswith("/api/")) and "no-store" not in response.get("Cache-Control", ""):
            problems.append(f"{where}: Cache-Control {response.get('Cache-Control')!r}")
        if private and "private" not in response.get("Cache-Control", ""):
            problems.append(f"{where}: Cache-Control {response.get('Cache-Control')!r} is not private")
        if html and response.status_code == 200:
            found = inline_parts(response.content.decode())
            if browsable:
                found = [part for part in found if "style=" not in part]
            problems += [f"{where}: {part}" for part in found]
    assert problems == [], f"{url}:\n" + "\n".join(problems)


def test_the_check_finds_what_the_policy_refuses():
    html = """<div style="color: red"><script>alert(1)</script><script type="application/json">{}</script>
    <button onclick="go()">Go</button><a href="javascript:go()">go</a><style>p {}</style>
    <script src="/s.js"></script>"""
    assert sorted(inline_parts(html)) == sorted([
        '<div style="color: red">', "inline <script> at line 1", "<button onclick=...>", "<a href='javascript:go()'>",
        "inline <style> at line 2",
    ])  # fmt: skip
