"""The three journeys of the portal, each as its user makes it in headless Chromium on the demo data, in the user's
language: every step checks what the user sees (the texts of the page in that language, a page no wider than the
window) and is kept as a screenshot of the window, artifacts/screenshots/<journey>-<n>-<step>.png (the set of one
run is kept in docs/screenshots/, see the README there).

- Enterprise staff (Kazakh, a laptop) file a return from the XLSX template (downloaded, filled in, uploaded),
  explain its warning and submit it, then type a few monitoring results into the form and find the submission in
  their list.
- An inspector (Russian, a laptop) finds the review queue open on the returns awaiting a decision, sends one back
  with a comment, and works the most severe new alert: acknowledges and takes it, and resolves it, which needs a
  comment.
- The public (a phone, 390 px, switched from Russian to Kazakh) reads the statistics, the regional table, a
  region's page with its map and the deposit map.

And the statistics tables fit a laptop's window (1366 px) in each language without scrolling sideways.

The demo is loaded once for the module (loading it takes most of the time) and committed, since the live server
reads it from another connection; the journeys touch different records, in any order; the database is flushed
afterwards, as after any transactional test.
"""

# ruff: noqa: RUF001 (Kazakh and Russian text)

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import modify_settings, override_settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from monitoring.models import Alert, AlertStatus, Severity, Submission, SubmissionStatus
from portal.celery import app as celery_app
from portal.models import User
from portal.permissions import Action
from registry.demo import DEMO_PASSWORDS
from registry.models import Deposit, Enterprise, Region
from registry.returns.checks import INPUT_FIELDS, field_label
from registry.returns.models import FilingYear, ReturnStatus, WasteReturn
from registry.tests.browser import CHROMIUM_ARGS, SCREENSHOTS
from reports.demo import load_all_demo

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The mark has pytest-django set the test database up (and each test read in a transaction of its own, which sees
# what the live server commits); the demo is committed by the module's fixture, outside them.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE, LAPTOP = (390, 844), (1366, 768)
# A figure as the statistics tables write it, in the language's digits and separators ("1 606 778,7", "—").
FIGURE = r"—|\d{1,3}(?:%(group)s\d{3})*(?:%(decimal)s\d+)?"
WIDTHS = "[document.documentElement.scrollWidth, window.innerWidth]"
# A function, not an expression: Playwright polls an expression with eval, which the Content-Security-Policy forbids.
CHART_DRAWN = "(id) => typeof Chart !== 'undefined' && Chart.getChart(id) !== undefined"
TABLES_SCROLLING = """() => [...document.querySelectorAll('main .table-scroll')]
    .filter((box) => box.scrollWidth > box.clientWidth).length"""


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with (
        django_db_blocker.unblock(),
        # The suite's hasher (conftest._fast_password_hashing), which the journeys' logins find in place.
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        # Never the database of DATABASE_URL itself: the demo is flushed afterwards.
        assert connection.settings_dict["NAME"].startswith("test_"), "no test database was set up"
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True  # the evaluation of the demo results, the aggregates
        try:
            load_all_demo()
        finally:
            celery_app.conf.task_always_eager = eager
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def server(demo: None) -> Iterator[str]:
    """A live server of the module's own: pytest-django's would flush the demo after the first journey."""
    live = LiveServer("localhost")
    with modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
        yield live.url
    live.stop()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the tests stay synchronous.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def t(language: str, message: "StrOrPromise") -> str:
    """`message` in `language`: a msgid, or a lazy translation (a choice's label)."""
    with translation.override(language):
        return gettext(message) if isinstance(message, str) else str(message)


@dataclass
class Journey:
    """One user's window: each step is checked as the user sees it and kept as a screenshot."""

    name: str
    page: Page
    base: str
    language: str
    errors: list[str] = field(default_factory=list)
    steps: int = 0

    @classmethod
    def start(cls, browser: Browser, base: str, name: str, language: str, size: tuple[int, int]) -> "Journey":
        phone = size == PHONE
        context = browser.new_context(
            viewport={"width": size[0], "height": size[1]}, is_mobile=phone, has_touch=phone, locale=language,
            extra_http_headers={"Accept-Language": language}, accept_downloads=True,
        )  # fmt: skip
        journey = cls(name, context.new_page(), base, language)

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                journey.errors.append(f"{journey.page.url}: {message.text}")

        def failed(request: Request) -> None:
            if request.failure != "net::ERR_ABORTED":  # cancelled by the browser as the page moved on
                journey.errors.append(f"{request.url} {request.failure}")

        journey.page.on("console", console)
        journey.page.on("pageerror", lambda error: journey.errors.append(f"{journey.page.url}: {error}"))
        journey.page.on("requestfailed", failed)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return journey

    def t(self, message: str) -> str:
        return t(self.language, message)

    def go(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"

    def log_in(self, username: str) -> None:
        self.go("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEMO_PASSWORDS[username])
        self.page.click("main form button[type=submit]")
        self.page.wait_for_url(f"{self.base}/")

    def menu(self, link: str) -> None:
        """Follow a link of the site's menu, opened first where it is folded (a phone)."""
        menu = self.page.locator("details.site-menu")
        if self.page.locator("details.site-menu > summary").is_visible() and menu.get_attribute("open") is None:
            self.page.click("details.site-menu > summary")
        self.page.click(f"details.site-menu a:text-is('{self.t(link)}')")

    def see(self, step: str, *texts: str, shown: str | None = None) -> None:
        """The page in the journey's language, showing `texts`, no wider than the window; kept as a screenshot (of
        the part that shows the element `shown`, if given)."""
        expect(self.page.locator("html")).to_have_attribute("lang", self.language)
        for text in texts:
            expect(self.page.locator("main")).to_contain_text(text)
        width, window = self.page.evaluate(WIDTHS)
        assert width <= window, f"{self.name}, {step}: the page is {width} px wide in a {window} px window"
        if shown is not None:
            self.page.locator(shown).first.scroll_into_view_if_needed()
        self.steps += 1
        self.page.screenshot(path=SCREENSHOTS / f"{self.name}-{self.steps}-{step}.png")

    def end(self) -> None:
        self.page.context.close()
        assert self.errors == [], self.errors


def figure(language: str, value: Decimal, decimals: int) -> str:
    with translation.override(language):
        return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def test_staff_file_a_return_from_the_template_and_results_by_the_form(
    browser: Browser, server: str, tmp_path: Path
) -> None:
    staff = Journey.start(browser, server, "staff", "kk", LAPTOP)
    page = staff.page
    enterprise = Enterprise.objects.get(memberships__user__username="staff")
    deposit = Deposit.objects.filter(operator=enterprise).order_by("pk").first()
    assert deposit is not None

    # The latest year whose deadline has passed (after the demo's returns, 2021-2024): filed late, the return carries
    # a warning to explain.
    today = timezone.localdate()
    year = today.year - 1 if FilingYear.for_year(today.year - 1).deadline < today else today.year - 2

    staff.log_in("staff")
    staff.see("home", staff.t("Your work"), staff.t("Your waste returns"), staff.t("Your monitoring submissions"))

    # A new return, its lines from the template: headers in Kazakh, the storage place by the deposit's name.
    staff.menu("Waste returns")
    page.click(f"main a[href='/returns/new/']:text-is('{staff.t('File a new return')}')")
    page.select_option("select[name=enterprise]", str(enterprise.pk))
    page.fill("input[name=year]", str(year))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/returns/\d+/$"))
    page.click("#upload > summary")
    with page.expect_download() as download:
        page.click("#upload a[href='/returns/template.xlsx']")
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    workbook = load_workbook(template)
    sheet = workbook.worksheets[0]
    with translation.override("kk"):
        assert [cell.value for cell in sheet[1]] == [field_label(name) for name in INPUT_FIELDS]
        place = deposit.local_name
    assert [cell.data_type for cell in sheet[2]][3:] == ["n"] * 7, "the example's amounts are numbers"
    line = {"waste_code": "10 06 01", "storage_deposit": place, "hazard_level": None, "opening": 32_470_000,
            "generated": 400_000, "received": 0, "recycled": 10_000, "disposed": 0, "transferred": 0,
            "closing": 32_860_000}  # fmt: skip
    for column, name in enumerate(INPUT_FIELDS, start=1):
        sheet.cell(row=2, column=column, value=line[name])
    workbook.save(template)
    staff.see("return-template", staff.t("Load the lines from a file"), staff.t("XLSX template"))
    page.set_input_files("#upload input[type=file]", template)
    page.click("#upload button[type=submit]")
    staff.see(
        "return-uploaded",
        staff.t("%(count)s lines were loaded.") % {"count": 1},
        place,
        figure("kk", Decimal(32_860_000), 3),
        staff.t("Warnings"),
        staff.t("Explain each warning before you submit:"),
    )

    explanations = page.locator("form[action$='/submit/'] textarea").all()
    assert explanations, "the late filing is a warning to explain"
    for explanation in explanations:
        explanation.fill("Қараша айында түгендеу аяқталды, сондықтан есеп кеш тапсырылды.")
    staff.see("return-warnings", shown="[data-testid=submit]")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=status]")).to_have_text(t("kk", ReturnStatus.SUBMITTED.label))
    staff.see("return-submitted", staff.t("The return was submitted to the inspector."))
    filed = WasteReturn.objects.get(enterprise=enterprise, year=year)
    assert filed.current_version.status == ReturnStatus.SUBMITTED
    assert list(filed.current_version.lines.values_list("storage_deposit", "closing")) == [(deposit.pk, 32_860_000)]

    # A few results by hand: points, pollutants and units picked from lists, the time without an offset.
    staff.go("/monitoring/submit/")
    expect(page.locator("[data-testid=sampling-zone]")).to_contain_text("UTC+5")
    sampled = timezone.localdate() - datetime.timedelta(days=1)
    rows = [("AIR-1", "Cu", "0.0012", "mg/m3", "daily"), ("AIR-1", "Pb", "0.2", "ug/m3", "daily"),
            ("SOIL-1", "Zn", "31.5", "mg/kg", "single")]  # fmt: skip
    for number, (point, pollutant, value, unit, averaging) in enumerate(rows):
        page.select_option(f"select[name=form-{number}-point]", point)
        page.select_option(f"select[name=form-{number}-pollutant]", pollutant)
        page.fill(f"input[name=form-{number}-sampled_at]", f"{sampled.isoformat()} 10:00")
        page.fill(f"input[name=form-{number}-value]", value)
        page.select_option(f"select[name=form-{number}-unit]", unit)
        page.select_option(f"select[name=form-{number}-averaging]", averaging)
    staff.see("results-form", staff.t("Submit a few results"))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/monitoring/submissions/\d+/$"))
    expect(page.locator("[data-testid=submission-status]")).to_have_text(t("kk", SubmissionStatus.PROCESSED.label))
    staff.see("results-submitted", staff.t("Exceeding the MPC"))
    submission = Submission.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert (submission.enterprise, submission.channel) == (enterprise, Submission.Channel.FORM)
    times = {result.sampled_at.astimezone(datetime.UTC).hour for result in submission.results.all()}
    assert (submission.results.count(), times) == (3, {5}), "10:00 in Kazakhstan's time (UTC+5)"

    staff.menu("My submissions")
    listed = page.locator("[data-testid=submission-list] tbody tr", has=page.locator(f"a:text-is('#{submission.pk}')"))
    expect(listed).to_contain_text(t("kk", Submission.Channel.FORM.label))
    expect(listed).to_contain_text(t("kk", SubmissionStatus.PROCESSED.label))
    staff.see("submissions", staff.t("Submissions"))
    staff.end()


def test_an_inspector_decides_a_return_and_works_an_alert(browser: Browser, server: str) -> None:
    inspector = Journey.start(browser, server, "inspector", "ru", LAPTOP)
    page = inspector.page
    user = User.objects.get(username="inspector")
    waiting = WasteReturn.objects.get(year=2024, enterprise__synthetic=True, current__status=ReturnStatus.SUBMITTED)

    with translation.override("ru"):
        filer = waiting.enterprise.local_name

    inspector.log_in("inspector")
    inspector.see("home", inspector.t("Awaiting you"), filer)

    # The queue opens on what awaits a decision.
    inspector.menu("Review queue")
    expect(page.locator("select[name=status]")).to_have_value(ReturnStatus.SUBMITTED)
    statuses = page.locator("main table.data tbody .badge[class*=status-]")
    expect(statuses.first).to_be_visible()
    assert set(statuses.all_inner_texts()) == {t("ru", ReturnStatus.SUBMITTED.label)}
    inspector.see("queue", inspector.t("Returns to review"))

    page.click(f"main table.data a[href='/returns/{waiting.pk}/']")
    inspector.see("return", inspector.t("Decision"), inspector.t("Accept"), inspector.t("Return for correction"))
    reasons = "Строка 1: остаток на начало года не совпадает с остатком на конец 2023 года."
    page.fill("textarea[name=reasons]", reasons)
    page.click("form[action$='/return/'] button[type=submit]")
    expect(page.locator("[data-testid=status]")).to_have_text(t("ru", ReturnStatus.RETURNED.label))
    inspector.see("return-sent-back", inspector.t("The return was sent back to the enterprise."), reasons)
    waiting.refresh_from_db()
    assert (waiting.current_version.status, waiting.current_version.reasons) == (ReturnStatus.RETURNED, reasons)

    # The most severe of the new alerts: taken, then resolved, which a serious alert allows only with a comment.
    inspector.menu("Alerts")
    new = page.locator("[data-testid=new-alerts]")
    for header in ("Enterprise", "Point", "Pollutant", "Severity", "× MPC"):
        expect(new.locator("thead")).to_contain_text(inspector.t(header))
    inspector.see("alerts", inspector.t("Exceedance alerts"), inspector.t("New for you"))
    new.locator("tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/monitoring/alerts/\d+/$"))
    alert = Alert.objects.restrict(user, Action.WORK_ALERTS).get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert (alert.status, alert.severity >= Severity.HIGH) == (AlertStatus.NEW, True)
    with translation.override("ru"):
        severity, polluter = alert.get_severity_display(), alert.point.enterprise.local_name
    expect(page.locator("[data-testid=alert-severity]")).to_have_text(severity)
    inspector.see("alert", polluter, inspector.t("Exceeding results"))

    page.select_option("select[name=status]", AlertStatus.ACKNOWLEDGED)
    page.select_option("select[name=assigned_to]", str(user.pk))
    page.click("main form button[type=submit]")
    expect(page.locator("[data-testid=alert-status]")).to_have_text(t("ru", AlertStatus.ACKNOWLEDGED.label))
    inspector.see("alert-acknowledged", inspector.t("The alert was updated."))

    page.select_option("select[name=status]", AlertStatus.RESOLVED)
    page.click("main form button[type=submit]")
    required = "Say what was done: an alert of severity %(severity)s or a persistent one is resolved with a comment."
    inspector.see("alert-comment-required", inspector.t(required) % {"severity": severity})
    comment = "Пылеподавление на отвале усилено, повторный отбор проб в норме."
    page.fill("textarea[name=comment]", comment)
    page.click("main form button[type=submit]")
    expect(page.locator("[data-testid=alert-status]")).to_have_text(t("ru", AlertStatus.RESOLVED.label))
    inspector.see("alert-resolved", inspector.t("The alert was updated."), comment)
    alert.refresh_from_db()
    assert (alert.status, alert.assigned_to) == (AlertStatus.RESOLVED, user)
    inspector.end()


def test_the_public_read_the_kazakh_statistics_on_a_phone(browser: Browser, server: str) -> None:
    public = Journey.start(browser, server, "public", "ru", PHONE)
    page = public.page
    height = PHONE[1]

    public.go("/")
    public.see("home", public.t("Headline figures"))
    page.click("details.site-menu > summary")
    page.click("button[name=language][value=kk]")
    public.language = "kk"
    public.see("home-kk", public.t("Headline figures"), public.t("Deposit map"))

    # The national figures: a chart, then a table that scrolls in its own box, the years kept in view.
    with translation.override("kk"):
        separators = {
            "group": formats.get_format("THOUSAND_SEPARATOR"),
            "decimal": formats.get_format("DECIMAL_SEPARATOR"),
        }
    public.menu("Statistics")
    page.wait_for_function(CHART_DRAWN, arg="national-chart")
    ticks = page.evaluate("Chart.getChart('national-chart').scales.y.ticks.map((tick) => tick.label)")
    assert all(re.fullmatch(FIGURE % separators, label) for label in ticks), f"the chart's numbers: {ticks}"
    public.see("statistics", public.t("Hazardous waste in the Republic of Kazakhstan"))
    table = page.locator("main .table-scroll").first
    table.scroll_into_view_if_needed()
    shown = table.locator("tbody td.num").all_inner_texts()
    assert shown and all(re.fullmatch(FIGURE % separators, text.strip()) for text in shown), shown
    table.evaluate("(box) => box.scrollBy(300, 0)")
    year, box = table.locator("tbody tr td").first.bounding_box(), table.bounding_box()
    assert year is not None and box is not None and abs(year["x"] - box["x"]) < 1, "the year column stays in view"
    public.see("statistics-table", public.t("Per capita, kg"))

    page.click(f"main a:text-is('{public.t('By region')}')")
    karaganda = Region.objects.get(iso_code="KZ-35")
    with translation.override("kk"):
        region_name = karaganda.name
    public.see(
        "regions", public.t("Hazardous waste held at enterprises at year end, by region"), region_name,
        public.t("reported in returns"),
    )  # fmt: skip

    # A region: its figures and its map, zoomed to it.
    page.click(f"#regional-table a[href='/statistics/regions/{karaganda.iso_code}/']")
    page.wait_for_function(CHART_DRAWN, arg="region-chart")
    public.see("region", region_name)
    page.locator("#map").scroll_into_view_if_needed()
    expect(page.locator("#map path.leaflet-interactive").first).to_be_attached()
    expect(page.locator("#map .map-legend")).to_be_visible()
    public.see("region-map", region_name)

    # The deposit map: on the first screen of a phone, the filters folded above it.
    public.menu("Deposits")
    expect(page.locator("#map .leaflet-interactive, #map .marker-cluster").first).to_be_visible()
    expect(page.locator("details.filter-fold")).not_to_have_attribute("open", "")
    assert page.evaluate("document.getElementById('map').getBoundingClientRect().top") < height
    public.see("deposit-map", public.t("Technogenic mineral formations"))
    public.end()


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_the_statistics_tables_fit_a_laptop_in_every_language(browser: Browser, server: str, language: str) -> None:
    """The tables with a column per year (and Russian's long words) fit 1366 px without scrolling sideways."""
    reader = Journey.start(browser, server, f"laptop-{language}", language, LAPTOP)
    for path in ("/statistics/", "/statistics/regions/", "/statistics/regions/KZ-35/"):
        reader.go(path)
        assert reader.page.evaluate(TABLES_SCROLLING) == 0, f"{path} in {language}: a table scrolls sideways"
        width, window = reader.page.evaluate(WIDTHS)
        assert width <= window, f"{path} in {language}: the page is {width} px wide"
    # The widest language's tables, kept as screenshots.
    if language == "ru":
        for path, step in (("/statistics/", "statistics"), ("/statistics/regions/", "regions")):
            reader.go(path)
            reader.page.locator("main .table-scroll").first.scroll_into_view_if_needed()
            reader.see(step)
    reader.end()
