"""The compliance matrix: an enterprise's sources by substances in a year, coloured by status with the ratio, for
its staff and its region's inspectors in full and for everyone else as published."""

import re
from decimal import Decimal

import pytest

from monitoring.models import Alert
from registry.permits.tests.factories import EmissionLimitFactory, EmissionSourceFactory, PermitFactory
from registry.releases.models import ReleaseMedium
from registry.releases.tests.factories import ReleaseThresholdFactory, SubstanceFactory, accepted_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def smelter(enterprise_a):
    permit = PermitFactory(enterprise=enterprise_a, verified=True)
    stack = EmissionSourceFactory(enterprise=enterprise_a, code="0001")
    hidden = EmissionSourceFactory(enterprise=enterprise_a, code="0009", is_published=False)
    ReleaseThresholdFactory(substance=SubstanceFactory(code="Hg"), medium=ReleaseMedium.AIR, kg_per_year=Decimal(10))
    for source, code, tonnes in ((stack, "SOx", "20000"), (stack, "Hg", "0.001"), (hidden, "Pb", "1")):
        EmissionLimitFactory(
            permit=permit, source=source, substance=SubstanceFactory(code=code), tonnes_per_year=Decimal(tonnes)
        )
    accepted_report(
        enterprise=enterprise_a,
        year=2023,
        releases=[{"substance": "SOx", "source": stack, "kg_per_year": "15000000"}],
    )
    accepted_report(
        enterprise=enterprise_a,
        year=2024,
        releases=[
            {"substance": "SOx", "source": stack, "kg_per_year": "23000000"},
            {"substance": "Hg", "source": stack, "kg_per_year": "4"},  # below the 10 kg threshold
            {"substance": "Pb", "source": hidden, "kg_per_year": "2000"},
        ],
        announce=True,
    )
    return enterprise_a


def url(enterprise, year=None):
    return f"/monitoring/compliance/{enterprise.pk}/" + (f"?year={year}" if year else "")


def cells(content: str) -> list[tuple[str, str]]:
    """(status, text) of each cell of the matrix."""
    matrix = content.split('data-testid="compliance-matrix"')[1].split("</table>")[0]
    found = re.findall(r'<td class="cell (\w+)">(.*?)</td>', matrix, flags=re.S)
    return [(status, re.sub(r"<[^>]+>", " ", text).split()[-1] if text.strip() else "") for status, text in found]


def test_the_enterprise_sees_every_figure_the_latest_year_by_default(smelter, staff_a, web):
    response = web(staff_a).get(url(smelter))

    assert response.status_code == 200
    assert response.context["year"] == 2024
    content = response.content.decode()
    statuses = {
        (cell.line.source.code, cell.line.substance.code): cell.line.status for cell in response.context["matrix"].cells
    }
    assert statuses == {("0001", "SOx"): "over_limit", ("0001", "Hg"): "over_limit", ("0009", "Pb"): "over_limit"}
    assert "1.15\N{MULTIPLICATION SIGN}" in content
    # The legend tells each status by a symbol and a word, not by colour alone.
    legend = content.split('data-testid="compliance-legend"')[1].split("</ul>")[0]
    assert "▲" in legend and "over the limit" in legend and "no limit set" in legend


def test_the_public_sees_published_figures_against_verified_limits(smelter, web):
    response = web(None).get(url(smelter, 2024))

    assert response.status_code == 200
    content = response.content.decode()
    lines = {(c.line.source.code, c.line.substance.code): c.line for c in response.context["matrix"].cells}
    assert set(lines) == {("0001", "SOx"), ("0001", "Hg")}  # the unpublished source is left out
    assert lines[("0001", "Hg")].status == "below_threshold" and lines[("0001", "Hg")].released_tonnes is None
    assert "0009" not in content
    assert "/monitoring/alerts/" not in content  # no link to an alert the public may not see


def test_staff_of_another_enterprise_see_the_public_view(smelter, staff_b, web):
    response = web(staff_b).get(url(smelter, 2024))

    assert {c.line.source.code for c in response.context["matrix"].cells} == {"0001"}


def test_the_inspector_reaches_the_open_alert_from_its_cell(smelter, inspector, web):
    alert = Alert.objects.get(substance__code="SOx")

    content = web(inspector).get(url(smelter, 2024)).content.decode()

    assert f'href="/monitoring/alerts/{alert.pk}/"' in content


def test_the_year_picker_offers_the_reported_years_and_shows_another(smelter, inspector, web):
    response = web(inspector).get(url(smelter, 2023))

    content = response.content.decode()
    assert '<option value="2024"' in content and '<option value="2023" selected' in content
    sox = next(c.line for c in response.context["matrix"].cells if c.line.substance.code == "SOx")
    assert (sox.status, sox.ratio) == ("within_limit", 0.75)
    assert "0.75\N{MULTIPLICATION SIGN}" in content


@pytest.mark.parametrize("year", ["abc", "1899", "2999", "٢٠٢٤"])
def test_a_year_that_is_none_is_refused(smelter, staff_a, web, year):
    response = web(staff_a).get(url(smelter, year))

    assert response.status_code == 400
    assert response.context["form"].errors["year"]


def test_an_unknown_enterprise_is_not_found(db, web):
    assert web(None).get("/monitoring/compliance/999999/").status_code == 404


def test_a_year_without_figures_says_so(enterprise_a, web):
    response = web(None).get(url(enterprise_a, 2020))

    assert response.status_code == 200
    assert "No limit and no release by source in this year." in response.content.decode()
