"""Who may submit and see what: staff their own enterprise, inspectors their regions, administrators all; the
public sees published monitoring points and nothing else of monitoring."""

import pytest
from django.core import mail

from monitoring.models import Alert, Result, Submission
from monitoring.tests.helpers import ALERTS, EXCEEDANCES, POINTS, SUBMISSIONS, json_script, make_point, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(points, enterprise_b, staff_a, staff_b, inspector, submit):
    """An exceeding submission of each of enterprises A and B (both in `region`)."""
    make_point(enterprise_b, "AIR-1", "air")
    make_point(enterprise_b, "AIR-HIDDEN", "air", is_published=False)
    make_point(points["air"].enterprise, "GW-HIDDEN", "groundwater", is_published=False)
    mine = submit(staff_a, points["air"].enterprise, [row("AIR-1", "Cu", "0.03")])
    theirs = submit(staff_b, enterprise_b, [row("AIR-1", "Pb", "0.003")])
    return {
        "a": mine,
        "b": theirs,
        "alert_a": Alert.objects.get(point__enterprise=points["air"].enterprise),
        "alert_b": Alert.objects.get(point__enterprise=enterprise_b),
    }


def listed(client, url) -> set[tuple[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    items = response.json()["results"]
    return {(item.get("enterprise", item.get("submission")), item["pollutant"]) for item in items}


# Submitting


def test_staff_cannot_submit_for_another_enterprise(site, staff_a, enterprise_b, client_for):
    before = (Submission.objects.count(), Result.objects.count())

    response = client_for(staff_a).post(
        SUBMISSIONS, {"enterprise": enterprise_b.bin, "results": [row("AIR-1", "Cu", "0.03")]}, format="json"
    )

    assert response.status_code == 403
    assert (Submission.objects.count(), Result.objects.count()) == before


@pytest.mark.parametrize("who", ["inspector", "public"])
def test_only_staff_submit(site, enterprise_a, client_for, inspector, who):
    user = {"inspector": inspector, "public": None}[who]

    response = client_for(user).post(
        SUBMISSIONS, {"enterprise": enterprise_a.bin, "results": [row("AIR-1", "Cu", "0.03")]}, format="json"
    )

    assert response.status_code == {"inspector": 403, "public": 401}[who]
    assert Submission.objects.count() == 2


def test_staff_submit_for_their_own_enterprise_through_the_api(points, staff_a, enterprise_a, inspector, post_results):
    response = post_results(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03"), row("AIR-1", "Cu", "0.001")])

    assert response.status_code == 201, response.content
    body = response.json()
    submission = Submission.objects.get()
    assert (body["id"], body["enterprise"], body["channel"]) == (submission.pk, enterprise_a.bin, "api")
    assert body["counts"]["results"] == 2
    assert submission.status == "processed"
    assert Alert.objects.get().severity == 2
    assert len(mail.outbox) == 1


# Alerts and exceedances (who may open which submission and page: portal/tests/permission_matrix)


def test_inspectors_see_the_alerts_of_their_regions_only(
    site, enterprise_a, enterprise_b, inspector, other_inspector, client_for
):
    both = {(enterprise_a.bin, "Cu"), (enterprise_b.bin, "Pb")}
    assert listed(client_for(inspector), ALERTS) == both
    assert listed(client_for(other_inspector), ALERTS) == set()
    assert client_for(other_inspector).get(f"{ALERTS}{site['alert_a'].pk}/").status_code == 404


def test_inspectors_see_the_exceedances_of_their_regions_only(site, inspector, other_inspector, client_for):
    assert listed(client_for(inspector), EXCEEDANCES) == {(site["a"].pk, "Cu"), (site["b"].pk, "Pb")}
    assert listed(client_for(other_inspector), EXCEEDANCES) == set()


def test_inspector_pages_show_their_regions_only(site, inspector, other_inspector, web):
    mine = web(inspector).get("/monitoring/alerts/").content.decode()
    assert "Enterprise A LLP" in mine
    assert "Enterprise B LLP" in mine

    theirs = web(other_inspector).get("/monitoring/alerts/")
    assert theirs.status_code == 200
    assert "Enterprise A LLP" not in theirs.content.decode()
    assert "No alert matches these filters." in theirs.content.decode()
    assert web(other_inspector).get(f"/monitoring/alerts/{site['alert_a'].pk}/").status_code == 404
    assert web(inspector).get(f"/monitoring/alerts/{site['alert_a'].pk}/").status_code == 200


def test_staff_see_their_own_alerts_and_exceedances_only(site, staff_a, enterprise_a, client_for, web):
    assert listed(client_for(staff_a), ALERTS) == {(enterprise_a.bin, "Cu")}
    assert listed(client_for(staff_a), EXCEEDANCES) == {(site["a"].pk, "Cu")}
    assert client_for(staff_a).get(f"{ALERTS}{site['alert_b'].pk}/").status_code == 404
    assert web(staff_a).get(f"/monitoring/alerts/{site['alert_b'].pk}/").status_code == 404


def test_administrators_see_everything(site, administrator, client_for):
    assert len(listed(client_for(administrator), ALERTS)) == 2
    assert len(listed(client_for(administrator), EXCEEDANCES)) == 2


# The public


def test_the_public_sees_no_submission_alert_or_exceedance(site, client_for):
    client = client_for(None)
    for url in (
        f"{SUBMISSIONS}{site['a'].pk}/",
        EXCEEDANCES,
        ALERTS,
        f"{ALERTS}{site['alert_a'].pk}/",
        f"{EXCEEDANCES}?submission={site['a'].pk}",
    ):
        response = client.get(url)
        assert response.status_code in (200, 401, 404), url
        assert response.status_code != 200 or response.json()["results"] == [], url


@pytest.mark.parametrize("url", ["submission", "exceedances", "alerts", "alert"], ids=lambda name: name)
def test_the_api_asks_the_public_to_log_in(site, client_for, url):
    """As the registry's history does: what is never public answers 401 (with WWW-Authenticate)."""
    path = {
        "submission": f"{SUBMISSIONS}{site['a'].pk}/",
        "exceedances": EXCEEDANCES,
        "alerts": ALERTS,
        "alert": f"{ALERTS}{site['alert_a'].pk}/",
    }[url]

    response = client_for(None).get(path)

    assert response.status_code == 401
    assert "WWW-Authenticate" in response


def test_the_public_sees_published_points(site, client_for, web):
    response = client_for(None).get(POINTS)

    assert response.status_code == 200
    codes = sorted(item["code"] for item in response.json()["results"])
    assert codes == ["AIR-1", "AIR-1", "GW-1", "SOIL-1"]
    water = next(item for item in response.json()["results"] if item["code"] == "GW-1")
    assert (water["latitude"], water["longitude"], water["medium"]) == ("46.84000", "74.98000", "groundwater")

    page = web(None).get("/monitoring/points/")
    assert page.status_code == 200
    shown = json_script(page.content.decode(), "map-points")
    assert sorted(point["name"].split(" ")[0] for point in shown) == ["AIR-1", "AIR-1", "GW-1", "SOIL-1"]
    assert {(point["lat"], point["lon"]) for point in shown} == {(46.84, 74.98)}


def test_unpublished_points_are_seen_by_their_staff_and_inspectors(
    site, staff_a, inspector, other_inspector, client_for
):
    def codes(user):
        return sorted(item["code"] for item in client_for(user).get(POINTS).json()["results"])

    assert codes(staff_a) == ["AIR-1", "AIR-1", "GW-1", "GW-HIDDEN", "SOIL-1"]
    assert codes(inspector) == ["AIR-1", "AIR-1", "AIR-HIDDEN", "GW-1", "GW-HIDDEN", "SOIL-1"]
    assert codes(other_inspector) == ["AIR-1", "AIR-1", "GW-1", "SOIL-1"]


def test_staff_create_points_for_their_own_enterprise_only(reference, staff_a, enterprise_a, enterprise_b, client_for):
    point = {"code": "AIR-7", "medium": "air", "latitude": "46.84", "longitude": "74.98"}

    assert client_for(staff_a).post(POINTS, {**point, "enterprise": enterprise_a.bin}, format="json").status_code == 201
    assert client_for(staff_a).post(POINTS, {**point, "enterprise": enterprise_b.bin}, format="json").status_code == 403
    assert client_for(None).post(POINTS, {**point, "enterprise": enterprise_a.bin}, format="json").status_code == 401


# Charts and matrices show results: only to those who may see them


@pytest.mark.parametrize("who", ["other_inspector", "staff_b"])
def test_the_chart_shows_no_results_to_those_who_may_not_see_them(site, web, request, who):
    """A published point is public, but its results and exceedances are not."""
    response = web(request.getfixturevalue(who)).get(f"/monitoring/points/{site['alert_a'].point_id}/Cu/")

    assert response.status_code == 404 or json_script(response.content.decode(), "series") == []


@pytest.mark.parametrize("who", ["other_inspector", "staff_b"])
def test_the_matrix_shows_no_statuses_to_those_who_may_not_see_them(site, enterprise_a, web, request, who):
    response = web(request.getfixturevalue(who)).get(f"/monitoring/enterprises/{enterprise_a.pk}/matrix/")

    assert response.status_code in (200, 404)
    assert 'class="cell alert"' not in response.content.decode()
    assert 'class="cell ok"' not in response.content.decode()
