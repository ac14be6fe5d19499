"""The HTML pages of a return show each user what they may do with it, and nothing more."""

import datetime
import html

import pytest

from registry.returns.tests import helpers
from registry.returns.tests.helpers import SLAG, fresh, line

pytestmark = pytest.mark.django_db


def text(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_filer_sees_an_editable_draft(web, staff_a, draft_return):
    page = text(web(staff_a).get(f"/returns/{draft_return.pk}/"))
    assert "Waste return for 2024" in page
    assert 'id="new-line"' in page  # the form for a new line
    assert f'action="/returns/{draft_return.pk}/upload/"' in page
    assert 'data-testid="submit"' in page
    assert 'data-testid="accept"' not in page
    assert '<option value="10 06 01">' in page  # the classifier to pick codes from


def test_the_inspector_sees_a_draft_read_only(web, inspector, draft_return):
    page = text(web(inspector).get(f"/returns/{draft_return.pk}/"))
    assert 'id="new-line"' not in page
    assert 'data-testid="submit"' not in page
    assert 'data-testid="accept"' not in page  # a draft is not decided


def test_the_inspector_may_decide_a_submitted_return(web, inspector, staff_a, submitted_return):
    page = text(web(inspector).get(f"/returns/{submitted_return.pk}/"))
    assert 'data-testid="accept"' in page
    assert f'action="/returns/{submitted_return.pk}/return/"' in page
    assert 'name="reasons"' in page
    page = text(web(staff_a).get(f"/returns/{submitted_return.pk}/"))
    assert 'data-testid="accept"' not in page
    assert 'id="new-line"' not in page


def test_an_accepted_return_offers_the_filer_a_correction(web, staff_a, inspector, accepted_return):
    page = text(web(staff_a).get(f"/returns/{accepted_return.pk}/"))
    assert f'action="/returns/{accepted_return.pk}/correct/"' in page
    page = text(web(inspector).get(f"/returns/{accepted_return.pk}/"))
    assert f'action="/returns/{accepted_return.pk}/correct/"' not in page


def test_the_detail_page_links_the_versions_and_their_changes(web, staff_a, corrected_return):
    page = text(web(staff_a).get(f"/returns/{corrected_return.pk}/"))
    assert f'href="/returns/{corrected_return.pk}/versions/1/"' in page
    assert f'href="/returns/{corrected_return.pk}/versions/2/"' in page
    assert f'href="/returns/{corrected_return.pk}/diff/?from=1&to=2"' in page


def test_the_detail_page_compares_with_last_year(web, staff_a, inspector, enterprise_a):
    helpers.accepted(staff_a, inspector, enterprise_a, helpers.YEAR - 1, [line(SLAG)])
    waste_return = helpers.create(staff_a, enterprise_a, helpers.YEAR, [line(SLAG, opening="100")])
    page = text(web(inspector).get(f"/returns/{waste_return.pk}/"))
    assert "Compared with the accepted return for 2023" in page
    assert "100.000 t differs from the closing balance 130.000 t" in page


def test_a_returned_version_shows_the_reasons(web, staff_a, inspector, submitted_return):
    helpers.send_back(inspector, submitted_return, reasons="Line 1 does not match the survey.")
    page = text(web(staff_a).get(f"/returns/{submitted_return.pk}/"))
    assert "Line 1 does not match the survey." in page


def test_the_list_page_shows_status_and_lateness(web, inspector, staff_a, enterprise_a, filing_years):
    filing_years[helpers.YEAR].deadline = datetime.date(helpers.YEAR + 1, 4, 1)
    filing_years[helpers.YEAR].save()
    waste_return = helpers.submit(staff_a, helpers.create(staff_a, enterprise_a))
    assert fresh(waste_return).late
    page = text(web(inspector).get("/returns/"))
    assert "Returns to review" in page
    assert "Enterprise A LLP" in page
    assert "2025-04-01" in page
    assert "late" in page


def test_the_inspector_queue_opens_on_returns_awaiting_a_decision(web, inspector, staff_a, enterprise_a):
    accepted = helpers.accepted(staff_a, inspector, enterprise_a, helpers.YEAR - 1)
    draft = helpers.create(staff_a, enterprise_a, helpers.YEAR - 2)
    awaiting = helpers.submit(staff_a, helpers.create(staff_a, enterprise_a))
    client = web(inspector)
    page = text(client.get("/returns/"))
    assert f"/returns/{awaiting.pk}/" in page
    assert f"/returns/{accepted.pk}/" not in page
    assert f"/returns/{draft.pk}/" not in page
    assert '<option value="submitted" selected>' in page
    everything = text(client.get("/returns/?status="))
    assert all(f"/returns/{r.pk}/" in everything for r in (awaiting, accepted, draft))
    assert f"/returns/{accepted.pk}/" in text(client.get("/returns/?status=accepted"))


def test_the_filer_list_shows_every_status(web, staff_a, draft_return):
    assert f"/returns/{draft_return.pk}/" in text(web(staff_a).get("/returns/"))


def test_the_templates_download(web, staff_a):
    client = web(staff_a)
    response = client.get("/returns/template.csv")
    assert response.status_code == 200
    assert response.content.decode().splitlines()[0].startswith('waste code,storage place,hazard level,"opening')
    response = client.get("/returns/template.xlsx")
    assert response.status_code == 200
    assert response.content.startswith(b"PK\x03\x04")
