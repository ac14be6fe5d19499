"""The inspectors' list of late filers (page /returns/late-filers/, API /api/v1/returns/late-filers/): the
enterprises expected to file whose return for a year is missing after its deadline, in the regions the user may
decide returns of, with last year's accepted figures."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.models import Enterprise, Membership
from registry.returns.models import FilingYear, ReturnLine, ReturnStatus, ReturnVersion, WasteCode, WasteReturn
from registry.returns.tests import helpers
from registry.tests.factories import EnterpriseFactory, MembershipFactory

pytestmark = pytest.mark.django_db

YEAR = helpers.YEAR
PAGE = "/returns/late-filers/"
API = "/api/v1/returns/late-filers/"
DAYS_OVERDUE = 10
# Last year's accepted lines: generated 1,234.5 + 5, recycled 20 + 0, disposed 0, closing 1,314.5 + 15.
LAST_YEAR_LINES = [
    helpers.line(generated="1234.5"),
    helpers.line(helpers.TAILINGS, opening="10", generated="5", recycled="0"),
]


@pytest.fixture(autouse=True)
def overdue(filing_years):
    """YEAR's deadline passed DAYS_OVERDUE days ago; the later years' are ahead (conftest.py): YEAR is the
    default year."""
    deadline = timezone.localdate() - datetime.timedelta(days=DAYS_OVERDUE)
    FilingYear.objects.filter(year=YEAR).update(deadline=deadline)
    return deadline


@pytest.fixture
def far_filer(other_region):
    """An enterprise of the other region, with staff (so expected to file) and no return."""
    return MembershipFactory(enterprise=EnterpriseFactory(name="Far LLP", region=other_region)).enterprise


def listed(response) -> list[str]:
    assert response.status_code == 200, response.content
    if response["Content-Type"].startswith("application/json"):
        return [row["enterprise_name"] for row in response.json()["results"]]
    page = response.content.decode()
    return [name for name in ("Enterprise A LLP", "Enterprise B LLP", "Far LLP") if name in page]


def api_rows(client, params=None) -> dict[str, dict]:
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return {row["enterprise_name"]: row for row in response.json()["results"]}


def test_an_inspector_sees_only_the_late_filers_of_their_regions(
    web, client_for, inspector, other_inspector, administrator, staff_a, staff_b, far_filer
):
    assert listed(web(inspector).get(PAGE)) == ["Enterprise A LLP", "Enterprise B LLP"]
    assert listed(client_for(inspector).get(API)) == ["Enterprise A LLP", "Enterprise B LLP"]
    assert listed(web(other_inspector).get(PAGE)) == ["Far LLP"]
    assert listed(client_for(other_inspector).get(API)) == ["Far LLP"]
    assert listed(web(administrator).get(PAGE)) == ["Enterprise A LLP", "Enterprise B LLP", "Far LLP"]


def test_the_region_filter_offers_the_regions_the_user_reaches(
    web, client_for, inspector, administrator, staff_a, far_filer
):
    assert listed(web(administrator).get(PAGE, {"region": "KZ-R2"})) == ["Far LLP"]
    assert listed(client_for(administrator).get(API, {"region": "KZ-R1"})) == ["Enterprise A LLP"]
    page = web(inspector).get(PAGE).content.decode()
    assert 'value="KZ-R1"' in page
    assert 'value="KZ-R2"' not in page
    # Another region is not a choice: refused, nothing listed.
    assert client_for(inspector).get(API, {"region": "KZ-R2"}).status_code == 400
    assert listed(web(inspector).get(PAGE, {"region": "KZ-R2"})) == []


def test_enterprise_staff_are_refused_and_the_public_asked_to_log_in(web, client_for, api_client, staff_a):
    assert web(staff_a).get(PAGE).status_code == 403
    assert client_for(staff_a).get(API).status_code == 403
    response = web(None).get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert api_client.get(API).status_code == 401


def test_before_the_deadline_nothing_is_late(web, client_for, inspector, staff_a, staff_b):
    next_year = YEAR + 1  # its deadline (conftest.py) is ahead
    assert listed(client_for(inspector).get(API, {"year": next_year})) == []
    page = web(inspector).get(PAGE, {"year": next_year}).content.decode()
    assert f"Late filers for {next_year}" in page
    assert "no return of that year is late yet" in page
    assert 'data-testid="late-filer"' not in page


def test_the_default_year_is_the_latest_whose_deadline_has_passed(client_for, inspector, staff_a, overdue):
    (row,) = api_rows(client_for(inspector)).values()
    assert (row["year"], row["deadline"], row["days_overdue"]) == (YEAR, overdue.isoformat(), DAYS_OVERDUE)
    FilingYear.objects.filter(year=YEAR).update(deadline=timezone.localdate())
    (row,) = api_rows(client_for(inspector)).values()
    assert row["year"] < YEAR, "on the deadline day itself the year is not overdue yet"


def test_an_invalid_year_is_refused(web, client_for, inspector):
    assert client_for(inspector).get(API, {"year": "99999"}).status_code == 400
    assert client_for(inspector).get(API, {"year": "soon"}).status_code == 400
    assert listed(web(inspector).get(PAGE, {"year": "soon"})) == []


def test_the_state_of_each_late_return(client_for, web, inspector, staff_a, staff_b, enterprise_b):
    draft = helpers.create(staff_a, staff_a.enterprises.get())
    returned = helpers.send_back(inspector, helpers.submit(staff_b, helpers.create(staff_b, enterprise_b)))
    nothing = MembershipFactory(enterprise=EnterpriseFactory(name="Silent LLP", region=enterprise_b.region))

    rows = api_rows(client_for(inspector))

    assert {name: (row["return_id"], row["return_status"]) for name, row in rows.items()} == {
        "Enterprise A LLP": (draft.pk, "draft"),
        "Enterprise B LLP": (returned.pk, "returned"),
        nothing.enterprise.name: (None, None),
    }
    page = web(inspector).get(PAGE).content.decode()
    assert f'href="/returns/{draft.pk}/"' in page
    assert "returned for correction" in page
    assert "no return" in page


def test_an_accepted_return_removes_the_enterprise(client_for, inspector, staff_a, staff_b, enterprise_b):
    helpers.accepted(staff_a, inspector, staff_a.enterprises.get())
    # Accepted, then a correction begun: the accepted version still counts.
    helpers.correct(staff_b, helpers.accepted(staff_b, inspector, enterprise_b))
    assert api_rows(client_for(inspector)) == {}


def test_a_return_awaiting_a_decision_is_not_missing_but_counted(web, client_for, inspector, staff_a, staff_b):
    helpers.submit(staff_a, helpers.create(staff_a, staff_a.enterprises.get()))

    assert list(api_rows(client_for(inspector))) == ["Enterprise B LLP"]
    page = web(inspector).get(PAGE).content.decode()
    assert "1 submitted, awaiting decision" in page
    assert f'href="/returns/?year={YEAR}&amp;status=submitted"' in page


def test_the_awaiting_count_keeps_to_the_region(web, administrator, staff_a, staff_b, far_filer):
    helpers.submit(staff_a, helpers.create(staff_a, staff_a.enterprises.get()))
    assert "1 submitted, awaiting decision" in web(administrator).get(PAGE).content.decode()
    page = web(administrator).get(PAGE, {"region": "KZ-R2"}).content.decode()
    assert "0 submitted, awaiting decision" in page
    assert f'href="/returns/?year={YEAR}&amp;status=submitted&amp;region=KZ-R2"' in page


def test_last_years_accepted_figures(web, client_for, inspector, staff_a, staff_b, enterprise_b):
    enterprise_a = staff_a.enterprises.get()
    accepted = helpers.accepted(staff_a, inspector, enterprise_a, year=YEAR - 1, lines=LAST_YEAR_LINES)
    # A correction of last year's return under way: its draft's figures do not count.
    helpers.replace_lines(staff_a, helpers.correct(staff_a, accepted), [helpers.line(generated="9999")])

    rows = api_rows(client_for(inspector))

    assert rows["Enterprise A LLP"]["last_year"] == {
        "generated": "1239.500", "recycled": "20.000", "disposed": "0.000", "closing": "1329.500",
    }  # fmt: skip
    assert rows["Enterprise B LLP"]["last_year"] is None
    english = web(inspector).get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1,239.500" in english
    assert "1,329.500" in english
    assert "no accepted return" in english
    russian = web(inspector).get(PAGE, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "1\xa0239,500" in russian
    assert "1\xa0329,500" in russian


def test_the_csv_download(web, inspector, staff_a, enterprise_a, overdue):
    helpers.accepted(staff_a, inspector, enterprise_a, year=YEAR - 1, lines=LAST_YEAR_LINES)
    formula = MembershipFactory(enterprise=EnterpriseFactory(name="=HYPERLINK(1)", region=enterprise_a.region))

    response = web(inspector).get(PAGE, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="qaldyq-late-filers-{YEAR}.csv"'
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[-4:] == [f"{YEAR - 1}: {label}" for label in ("generated, t", "recycled or recovered, t",
                                                                "disposed, t", "closing balance, t")]  # fmt: skip
    by_name = {row[0]: row for row in rows}
    assert by_name["Enterprise A LLP"][1:] == [
        enterprise_a.bin, "Region R1", "KZ-R1", str(YEAR), overdue.isoformat(), str(DAYS_OVERDUE), "no return",
        "1239.500", "20.000", "0.000", "1329.500",
    ]  # fmt: skip
    # A name a spreadsheet would run as a formula is neutralised (portal.exports).
    assert by_name["'=HYPERLINK(1)"][1] == formula.enterprise.bin
    assert by_name["'=HYPERLINK(1)"][7:] == ["no return", "", "", "", ""]


def add_late_filers(count: int, region, staff) -> None:
    """`count` enterprises of `region` with `staff` as member (so expected to file) and nothing filed for YEAR;
    every other one with an accepted return for last year, of one line."""
    enterprises = Enterprise.objects.bulk_create(EnterpriseFactory.build(region=region) for _ in range(count))
    Membership.objects.bulk_create(Membership(user=staff, enterprise=enterprise) for enterprise in enterprises)
    returns = WasteReturn.objects.bulk_create(WasteReturn(enterprise=e, year=YEAR - 1) for e in enterprises[::2])
    versions = ReturnVersion.objects.bulk_create(
        ReturnVersion(waste_return=r, number=1, created_by=staff, status=ReturnStatus.ACCEPTED) for r in returns
    )
    for waste_return, version in zip(returns, versions, strict=True):
        waste_return.current = waste_return.accepted = version
    WasteReturn.objects.bulk_update(returns, ["current", "accepted"])
    slag = WasteCode.objects.get(code=helpers.SLAG)
    ReturnLine.objects.bulk_create(
        ReturnLine(version=version, position=1, waste_code=slag, generated=5, closing=5) for version in versions
    )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_list_costs_the_same_for_5_and_50_late_filers(web, client_for, inspector, administrator, region):
    staff = MembershipFactory(enterprise=EnterpriseFactory(region=region)).user
    add_late_filers(5, region, staff)
    few = [count_queries(web(user), PAGE) for user in (inspector, administrator)]
    few += [count_queries(client_for(user), API) for user in (inspector, administrator)]
    add_late_filers(45, region, staff)
    many = [count_queries(web(user), PAGE) for user in (inspector, administrator)]
    many += [count_queries(client_for(user), API) for user in (inspector, administrator)]
    assert many == few
    assert len(api_rows(client_for(inspector))) == 50  # a full first page


def test_linked_for_those_who_decide(web, inspector, staff_a):
    link = f'href="{PAGE}"'
    assert web(inspector).get("/returns/").content.decode().count(link) == 2  # the menu and the review queue
    assert link not in web(staff_a).get("/returns/").content.decode()
