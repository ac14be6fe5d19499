"""The home page of each reader: the public sees the headline figures and the map; a filer their returns with
deadlines, submissions and open alerts; an inspector what awaits their decision, new alerts and late filers."""

import html

import pytest

from registry.returns.tests import helpers
from registry.returns.tests.conftest import filing_years, waste_codes  # noqa: F401 (autouse: codes and deadlines)

pytestmark = pytest.mark.django_db


def page_of(client):
    response = client.get("/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_public_home_has_the_figures_and_the_map(web):
    page = page_of(web(None))
    assert "Headline figures" in page
    assert 'id="map-points"' in page
    assert 'data-testid="home-staff"' not in page
    assert 'data-testid="home-inspector"' not in page


def test_the_filer_home_lists_their_returns_with_deadlines(web, staff_a, enterprise_a, filing_years):  # noqa: F811
    draft = helpers.create(staff_a, enterprise_a)
    page = page_of(web(staff_a))
    assert 'data-testid="home-staff"' in page
    assert f"/returns/{draft.pk}/" in page
    assert f"due {filing_years[helpers.YEAR].deadline.isoformat()}" in page
    assert 'data-testid="home-inspector"' not in page


def test_the_inspector_home_lists_what_awaits_a_decision(web, staff_a, inspector, enterprise_a):
    awaiting = helpers.submit(staff_a, helpers.create(staff_a, enterprise_a))
    draft = helpers.create(staff_a, enterprise_a, helpers.YEAR - 1)
    page = page_of(web(inspector))
    section = page.split('data-testid="home-inspector"')[1].split("</section>")[0]
    assert "1 return awaits your decision" in section
    assert f"/returns/{awaiting.pk}/" in section
    assert f"/returns/{draft.pk}/" not in section
    assert 'data-testid="home-staff"' not in page


def test_the_home_reads_in_bounded_queries(web, staff_a, inspector, enterprise_a, django_assert_max_num_queries):
    helpers.submit(staff_a, helpers.create(staff_a, enterprise_a))
    client = web(inspector)
    page_of(client)  # the session and caches are warm
    with django_assert_max_num_queries(30) as few:
        page_of(client)
    for year in (helpers.YEAR - 1, helpers.YEAR - 2):
        helpers.submit(staff_a, helpers.create(staff_a, enterprise_a, year))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page_of(client)
