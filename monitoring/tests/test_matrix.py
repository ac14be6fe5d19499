"""The pollutant x point matrix of an enterprise or deposit: a cell per point and pollutant, coloured "alert" (open
alert), "exceeded" (exceedances, no open alert), "ok" (within the MPC) or "none" (no results), and marked with the
legend's symbol and the status's name for screen readers, so that no status is told by colour alone."""

import re

import pytest
from django.utils import timezone

from monitoring.models import Alert, AlertStatus
from monitoring.tests.helpers import make_point, row
from monitoring.windows import local_today
from registry.tests.factories import DepositFactory

pytestmark = pytest.mark.django_db


CELL = re.compile(
    r'<td class="cell (\w+)">(?:<a href="[^"]+">)?<span class="mark" aria-hidden="true">(.)</span>'
    r'<span class="visually-hidden">([^<]+)</span>(?: (\d+)</a>)?</td>'
)


def matrix(html: str) -> dict[str, list[tuple[str, str, str, str]]]:
    """{pollutant: [(class, symbol, status named to screen readers, count shown), ...] in the order of the points}."""
    rows = {}
    for code, cells in re.findall(r"<tr><th>([^<]+)</th>(.*?)</tr>", html, re.S):
        rows[code] = CELL.findall(cells)
        assert len(rows[code]) == cells.count("<td"), cells
    return rows


def columns(html: str) -> list[str]:
    head = re.search(r"<thead>(.*?)</thead>", html, re.S)
    assert head, html
    return re.findall(r"<th>([^<]+)</th>", head.group(1))


@pytest.fixture
def statuses(points, inspector, staff_a, enterprise_a, submit):
    submit(
        staff_a,
        enterprise_a,
        [
            row("AIR-1", "Cu", "0.03"),  # open alert
            row("AIR-1", "Cu", "0.001"),
            row("GW-1", "Cu", "0.002", "mg/l"),  # exceeded; its alert resolved below
            row("SOIL-1", "Zn", "10", "mg/kg"),  # within the MPC
            row("SOIL-1", "Zn", "12", "mg/kg"),
            row("SOIL-1", "Zn", "13", "mg/kg"),
        ],
    )
    Alert.objects.filter(point__code="GW-1").update(status=AlertStatus.RESOLVED, closed_at=timezone.now())


@pytest.mark.parametrize("who", ["staff_a", "inspector", "administrator"])
def test_the_enterprise_matrix(statuses, enterprise_a, web, request, who):
    response = web(request.getfixturevalue(who)).get(f"/monitoring/enterprises/{enterprise_a.pk}/matrix/")

    assert response.status_code == 200
    html = response.content.decode()
    assert columns(html) == ["AIR-1", "GW-1", "SOIL-1"]
    alert, exceeded = ("alert", "▲", "open alert", "2"), ("exceeded", "!", "exceeded, no open alert", "1")
    ok, none = ("ok", "✓", "within the MPC", "3"), ("none", "\u2013", "no results", "")
    assert matrix(html) == {"Cu": [alert, exceeded, none], "Zn": [none, none, ok]}
    # The legend names each symbol.
    for symbol, name in [("▲", "open alert"), ("!", "exceeded, no open alert"), ("✓", "within the MPC")]:
        assert f'aria-hidden="true">{symbol}</span> {name}</li>' in html


def test_the_cells_link_to_the_charts_of_the_period(statuses, air, enterprise_a, staff_a, web):
    html = web(staff_a).get(f"/monitoring/enterprises/{enterprise_a.pk}/matrix/", {"window": "all"}).content.decode()

    until = local_today().isoformat()
    link = f"/monitoring/points/{air.pk}/Cu/?window=all&amp;until={until}"
    assert f'<td class="cell alert"><a href="{link}"><span class="mark"' in html


def test_an_enterprise_without_results(points, enterprise_a, staff_a, web):
    response = web(staff_a).get(f"/monitoring/enterprises/{enterprise_a.pk}/matrix/")

    assert response.status_code == 200
    assert matrix(response.content.decode()) == {}
    assert "No results in this period." in response.content.decode()


def test_the_deposit_matrix_shows_the_points_of_the_deposit(reference, enterprise_a, staff_a, inspector, submit, web):
    deposit = DepositFactory(operator=enterprise_a)
    make_point(enterprise_a, "AIR-1", "air", deposit=deposit, distance_m=500)
    make_point(enterprise_a, "AIR-2", "air", deposit=deposit, distance_m=1500)
    make_point(enterprise_a, "AIR-3", "air")  # not of the deposit
    submit(
        staff_a,
        enterprise_a,
        [row("AIR-1", "Cu", "0.15"), row("AIR-2", "Cu", "0.001"), row("AIR-3", "Cu", "0.03")],
    )

    response = web(inspector).get(f"/monitoring/deposits/{deposit.pk}/matrix/")

    assert response.status_code == 200
    html = response.content.decode()
    assert columns(html) == ["AIR-1", "AIR-2"]
    assert matrix(html) == {"Cu": [("alert", "▲", "open alert", "1"), ("ok", "✓", "within the MPC", "1")]}


def test_the_matrix_of_an_unknown_enterprise(reference, staff_a, web):
    assert web(staff_a).get("/monitoring/enterprises/999999/matrix/").status_code == 404
