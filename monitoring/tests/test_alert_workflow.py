"""Working an alert through POST /api/v1/monitoring/alerts/{id}/update_status/: new → acknowledged →
investigating → resolved; dismissed only with a reason; closed alerts stay closed; every step is an event;
alerts are assigned to inspectors only, and only inspectors (and administrators) work them."""

import pytest

from monitoring.models import Alert, AlertEvent
from monitoring.tests.helpers import ALERTS, row
from portal.tests.api_errors import fields, messages
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(air, inspector, staff_a, enterprise_a, submit):
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])
    return Alert.objects.get()


@pytest.fixture
def update(client_for):
    def do(user, alert, **data):
        return client_for(user).post(f"{ALERTS}{alert.pk}/update_status/", data, format="json")

    return do


def test_the_full_workflow(alert, inspector, update, client_for):
    response = update(inspector, alert, status="acknowledged", comment="Seen.", assigned_to="inspector")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["assigned_to"]) == ("acknowledged", "inspector")

    assert update(inspector, alert, status="investigating", comment="Sampling again.").json()["status"] == (
        "investigating"
    )
    response = update(inspector, alert, status="resolved", comment="Dust suppression restored.")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "resolved"
    assert body["closed_at"] is not None
    assert [(event["actor"], event["status"], event["comment"]) for event in body["events"]] == [
        ("inspector", "acknowledged", "Seen."),
        ("inspector", "investigating", "Sampling again."),
        ("inspector", "resolved", "Dust suppression restored."),
    ]
    detail = client_for(inspector).get(f"{ALERTS}{alert.pk}/").json()
    assert [event["status"] for event in detail["events"]] == ["acknowledged", "investigating", "resolved"]
    alert.refresh_from_db()
    assert (alert.status, alert.assigned_to.username) == ("resolved", "inspector")


def test_a_new_alert_may_be_resolved_at_once(alert, inspector, update):
    Alert.objects.filter(pk=alert.pk).update(severity=1, persistent=False)  # a plain exceedance needs no comment
    assert update(inspector, alert, status="resolved").status_code == 200


def test_a_comment_alone_is_recorded(alert, inspector, update):
    response = update(inspector, alert, comment="Asked the laboratory for the protocol.")

    assert response.status_code == 200
    assert response.json()["status"] == "new"
    assert list(AlertEvent.objects.values_list("status", "comment")) == [("", "Asked the laboratory for the protocol.")]


def test_dismissing_needs_a_reason(alert, inspector, update):
    response = update(inspector, alert, status="dismissed", comment="  ")

    assert response.status_code == 400
    assert "comment" in fields(response)
    alert.refresh_from_db()
    assert alert.status == "new"
    assert not AlertEvent.objects.exists()

    response = update(inspector, alert, status="dismissed", comment="The laboratory mixed up two samples.")

    assert response.status_code == 200
    assert response.json()["status"] == "dismissed"
    assert response.json()["closed_at"] is not None


@pytest.mark.parametrize("serious", [{"severity": 2}, {"severity": 3}, {"persistent": True}])
def test_resolving_a_serious_or_persistent_alert_needs_a_comment(alert, inspector, update, serious):
    Alert.objects.filter(pk=alert.pk).update(**serious)

    response = update(inspector, alert, status="resolved", comment=" ")

    assert response.status_code == 400
    assert "comment" in str(response.json())
    alert.refresh_from_db()
    assert alert.status == "new"
    assert not AlertEvent.objects.exists()
    assert update(inspector, alert, status="resolved", comment="Filter replaced.").status_code == 200


def test_the_alert_form_asks_for_the_comment(alert, inspector, web):
    Alert.objects.filter(pk=alert.pk).update(severity=3, persistent=True)
    url = f"/monitoring/alerts/{alert.pk}/"

    response = web(inspector).post(url, {"status": "resolved", "comment": "", "seen_results": alert.results.count()})

    assert response.status_code == 200
    assert response.context["form"].errors["comment"] == [
        "Say what was done: an alert of severity extreme or a persistent one is resolved with a comment."
    ]
    alert.refresh_from_db()
    assert alert.status == "new"


@pytest.mark.parametrize("closed", ["resolved", "dismissed"])
@pytest.mark.parametrize("reopened", ["new", "acknowledged", "investigating"])
def test_a_closed_alert_cannot_be_reopened(alert, inspector, update, closed, reopened):
    assert update(inspector, alert, status=closed, comment="Closed.").status_code == 200

    response = update(inspector, alert, status=reopened, comment="Again?")

    assert response.status_code == 400
    assert "status" in fields(response)
    alert.refresh_from_db()
    assert alert.status == closed
    assert AlertEvent.objects.count() == 1


def test_an_alert_cannot_move_back(alert, inspector, update):
    update(inspector, alert, status="investigating")

    response = update(inspector, alert, status="acknowledged")

    assert response.status_code == 400
    assert "status" in fields(response)


def test_an_unknown_status_is_refused(alert, inspector, update):
    response = update(inspector, alert, status="forgotten")

    assert response.status_code == 400
    assert "status" in fields(response)


def test_alerts_are_assigned_to_inspectors_only(alert, inspector, second_inspector, staff_a, update):
    response = update(inspector, alert, assigned_to=staff_a.username)
    assert response.status_code == 400
    assert "assigned_to" in fields(response)

    assert update(inspector, alert, assigned_to="nobody-of-that-name").status_code in (400, 404)
    alert.refresh_from_db()
    assert alert.assigned_to is None

    response = update(inspector, alert, assigned_to=second_inspector.username)
    assert response.status_code == 200
    assert response.json()["assigned_to"] == "second_inspector"


def test_staff_cannot_work_alerts(alert, staff_a, update, client_for):
    assert client_for(staff_a).get(f"{ALERTS}{alert.pk}/").status_code == 200

    response = update(staff_a, alert, status="dismissed", comment="Not us.")

    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.status == "new"
    assert not AlertEvent.objects.exists()


def test_inspectors_of_other_regions_cannot_work_alerts(alert, other_inspector, update):
    assert update(other_inspector, alert, status="acknowledged").status_code == 404


def test_the_public_cannot_work_alerts(alert, update):
    assert update(None, alert, status="acknowledged").status_code == 401


def test_an_administrator_may_work_alerts(alert, administrator, update):
    response = update(administrator, alert, status="acknowledged", assigned_to="inspector")

    assert response.status_code == 200
    assert response.json()["events"][0]["actor"] == "administrator"


def test_an_inactive_inspector_cannot_work_alerts(alert, inspector, update):
    inspector.is_active = False
    inspector.save()

    assert update(inspector, alert, status="acknowledged").status_code == 404


def test_an_inspector_without_a_region_cannot_work_alerts(alert, update):
    assert update(UserFactory(inspector=True), alert, status="acknowledged").status_code == 404


def test_alerts_are_not_assigned_to_inspectors_who_cannot_see_them(alert, inspector, other_inspector, update):
    response = update(inspector, alert, assigned_to=other_inspector.username)

    assert response.status_code == 400
    assert "assigned_to" in fields(response)
    alert.refresh_from_db()
    assert alert.assigned_to is None


def test_an_alert_is_not_closed_over_results_the_inspector_has_not_seen(
    alert, inspector, staff_a, enterprise_a, submit, update
):
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.04")])  # arrives while the inspector reads the alert

    refused = update(inspector, alert, status="resolved", comment="Filter replaced", seen_results=1)
    assert refused.status_code == 400
    assert "new result arrived" in str(refused.json())
    assert Alert.objects.get().status == "new"

    assert update(inspector, alert, status="resolved", comment="Filter replaced", seen_results=2).status_code == 200
    assert Alert.objects.get().status == "resolved"


def test_the_alert_page_says_how_many_results_it_showed(alert, inspector, web):
    page = web(inspector).get(f"/monitoring/alerts/{alert.pk}/").content.decode()
    assert '<input type="hidden" name="seen_results" value="1">' in page


def test_an_unknown_assignee_is_answered_like_one_of_another_region(alert, inspector, other_inspector, update):
    unknown = update(inspector, alert, status="acknowledged", assigned_to="nobody-by-this-name")
    elsewhere = update(inspector, alert, status="acknowledged", assigned_to=other_inspector.username)

    assert (unknown.status_code, elsewhere.status_code) == (400, 400)
    assert fields(unknown) == ["assigned_to"] and "does not inspect this region" in messages(unknown)
    assert fields(elsewhere) == ["assigned_to"] and "does not inspect this region" in messages(elsewhere)


def test_the_alert_page_offers_whoever_may_work_the_alert(
    alert, inspector, second_inspector, other_inspector, staff_a, administrator, web
):
    page = web(inspector).get(f"/monitoring/alerts/{alert.pk}/")

    offered = {str(user) for user in page.context["form"].fields["assigned_to"].queryset}
    assert offered == {str(inspector), str(second_inspector), str(administrator)}  # not another region's inspector
    response = web(inspector).post(f"/monitoring/alerts/{alert.pk}/", {"assigned_to": other_inspector.pk})
    assert response.status_code == 200
    assert "assigned_to" in response.context["form"].errors
