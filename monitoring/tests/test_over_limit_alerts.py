"""Over-limit alerts: an accepted release report opens one alert per source and substance over its permit's limit,
told once to the region's inspectors; accepting a corrected version updates it; alerts are scoped by enterprise."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from monitoring.models import Alert, AlertKind, AlertStatus
from monitoring.services import alert_update
from portal.models import Channel, OutboxMessage
from registry.permits.tests.factories import EmissionLimitFactory, EmissionSourceFactory, PermitFactory
from registry.releases.tests.factories import SubstanceFactory, accepted_report

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/monitoring/alerts/"


@pytest.fixture
def stack(enterprise_a):
    permit = PermitFactory(enterprise=enterprise_a, verified=True)
    source = EmissionSourceFactory(enterprise=enterprise_a, code="0001")
    for code, tonnes in (("SOx", "20000"), ("Pb", "40")):
        EmissionLimitFactory(
            permit=permit, source=source, substance=SubstanceFactory(code=code), tonnes_per_year=Decimal(tonnes)
        )
    return source


def accept(enterprise, stack, sox_kg, lead_kg="1000", year=2024):
    return accepted_report(
        enterprise=enterprise,
        year=year,
        releases=[
            {"substance": "SOx", "source": stack, "kg_per_year": sox_kg},
            {"substance": "Pb", "source": stack, "kg_per_year": lead_kg},
        ],
        announce=True,
    )


def messages_to(user):
    return OutboxMessage.objects.filter(recipient=user, code="monitoring.alert")


def test_an_accepted_report_over_a_limit_opens_one_alert_told_once(
    enterprise_a, stack, inspector, second_inspector, other_inspector
):
    accept(enterprise_a, stack, "23000000")

    alert = Alert.objects.get()
    assert (alert.kind, alert.enterprise, alert.source, alert.substance.code, alert.year) == (
        AlertKind.OVER_LIMIT, enterprise_a, stack, "SOx", 2024,
    )  # fmt: skip
    assert (alert.released_tonnes, alert.permitted_tonnes) == (Decimal("23000"), Decimal("20000"))
    assert alert.point is None and alert.pollutant is None
    assert alert.ratio == pytest.approx(1.15)
    for user in (inspector, second_inspector):
        assert sorted(messages_to(user).values_list("channel", flat=True)) == [Channel.EMAIL, Channel.IN_APP]
        message = messages_to(user).first()
        assert message.params == {
            "kind": "over_limit", "substance": "SOx", "source": "0001", "year": 2024, "enterprise_id": enterprise_a.pk,
        }  # fmt: skip
        assert message.link == f"/monitoring/alerts/{alert.pk}/"
    assert not messages_to(other_inspector).exists()


def test_the_message_names_the_source_substance_and_year(enterprise_a, stack, inspector):
    from portal import outbox

    accept(enterprise_a, stack, "23000000")

    subject = outbox.render(messages_to(inspector).first(), "en").subject
    assert subject == "Over the permit's limit: SOx from source 0001 in 2024 (Enterprise A LLP)"


def test_within_every_limit_opens_nothing(enterprise_a, stack, inspector):
    accept(enterprise_a, stack, "20000000")  # exactly the limit

    assert not Alert.objects.exists()
    assert not messages_to(inspector).exists()


def test_accepting_a_corrected_version_updates_the_alert_and_tells_nobody_again(enterprise_a, stack, inspector):
    accept(enterprise_a, stack, "23000000")
    alert = Alert.objects.get()

    accept(enterprise_a, stack, "23000000")  # the same figures again
    accept(enterprise_a, stack, "25000000")  # a correction, still over

    assert list(Alert.objects.all()) == [alert]
    alert.refresh_from_db()
    assert alert.released_tonnes == Decimal("25000")
    assert messages_to(inspector).count() == 2  # one e-mail, one on the site: from the first acceptance only


def test_a_correction_within_the_limit_leaves_the_alert_to_the_inspector_with_the_new_figure(
    enterprise_a, stack, inspector
):
    accept(enterprise_a, stack, "23000000")

    accept(enterprise_a, stack, "19000000")

    alert = Alert.objects.get()
    assert alert.status == AlertStatus.NEW
    assert alert.released_tonnes == Decimal("19000")
    alert_update(actor=inspector, alert=alert, status=AlertStatus.RESOLVED, comment="Corrected report.")
    assert Alert.objects.get().status == AlertStatus.RESOLVED


def test_a_closed_alert_is_not_opened_again_for_the_same_figures_but_is_for_new_ones(enterprise_a, stack, inspector):
    accept(enterprise_a, stack, "23000000")
    alert_update(actor=inspector, alert=Alert.objects.get(), status=AlertStatus.DISMISSED, comment="Known.")

    accept(enterprise_a, stack, "23000000")
    assert Alert.objects.count() == 1

    accept(enterprise_a, stack, "26000000")
    new = Alert.objects.get(status=AlertStatus.NEW)
    assert new.released_tonnes == Decimal("26000")
    assert messages_to(inspector).count() == 4  # each alert told once, by e-mail and on the site


def test_each_year_has_its_own_alert(enterprise_a, stack):
    accept(enterprise_a, stack, "23000000", year=2023)
    accept(enterprise_a, stack, "23000000", year=2024)

    assert sorted(Alert.objects.values_list("year", flat=True)) == [2023, 2024]


def test_the_database_holds_one_open_alert_per_source_substance_and_year(enterprise_a, stack):
    accept(enterprise_a, stack, "23000000")
    alert = Alert.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            kind=AlertKind.OVER_LIMIT, enterprise=enterprise_a, source=stack, substance=alert.substance, year=2024,
            released_tonnes=Decimal(1), permitted_tonnes=Decimal(1),
        )  # fmt: skip


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": AlertKind.OVER_LIMIT},  # without its source, substance, year and figures
        {"kind": AlertKind.EXCEEDANCE, "year": 2024},  # an exceedance without its point, with a year
    ],
)
def test_the_database_refuses_an_alert_without_its_kinds_fields(enterprise_a, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(enterprise=enterprise_a, **fields)


def test_over_limit_alerts_are_seen_by_the_enterprise_and_its_region_only(
    enterprise_a, stack, staff_a, staff_b, inspector, other_inspector, client_for
):
    accept(enterprise_a, stack, "23000000")
    alert = Alert.objects.get()

    assert [row["id"] for row in client_for(staff_a).get(ALERTS).json()["results"]] == [alert.pk]
    assert client_for(staff_b).get(ALERTS).json()["results"] == []
    assert client_for(other_inspector).get(ALERTS).json()["results"] == []
    body = client_for(inspector).get(f"{ALERTS}{alert.pk}/").json()
    assert {key: body[key] for key in ("kind", "point", "pollutant", "source", "substance", "year", "enterprise")} == {
        "kind": "over_limit", "point": None, "pollutant": None, "source": "0001", "substance": "SOx", "year": 2024,
        "enterprise": enterprise_a.bin,
    }  # fmt: skip
    assert (body["released_tonnes"], body["permitted_tonnes"], body["ratio"]) == (
        "23000.000000", "20000.000000", "1.15000000000",
    )  # fmt: skip
    assert client_for(inspector).get(ALERTS, {"kind": "exceedance"}).json()["results"] == []
    assert len(client_for(inspector).get(ALERTS, {"pollutant": "SOx", "source": "0001"}).json()["results"]) == 1


def test_the_alert_pages_show_the_source_substance_year_and_figures(enterprise_a, stack, inspector, web):
    accept(enterprise_a, stack, "23000000")
    alert = Alert.objects.get()
    client = web(inspector)

    listing = client.get("/monitoring/alerts/").content.decode()
    detail = client.get(f"/monitoring/alerts/{alert.pk}/").content.decode()

    assert "SOx" in listing and "0001" in listing and "1.15\N{MULTIPLICATION SIGN}" in listing
    assert 'data-testid="alert-released">23,000' in detail or 'data-testid="alert-released">23000' in detail
    assert "20,000" in detail or "20000" in detail
    assert f"/monitoring/compliance/{enterprise_a.pk}/?year=2024" in detail
    # Opening the alert marks its message read.
    assert not client.get("/monitoring/alerts/").context["new_alerts"]


def test_through_the_release_workflow_the_alert_opens_once_and_follows_the_correction(
    enterprise_a, stack, staff_a, inspector
):
    from registry.releases import services as releases

    def line(kg):
        return {"medium": "air", "substance": "SOx", "source": "0001", "kg_per_year": kg, "method": "M"}

    def file_and_accept(version):
        confirmations = {warning.key: "Checked." for warning in releases.current_warnings(version)}
        releases.report_submit(actor=staff_a, version=version, confirmations=confirmations)
        releases.report_accept(actor=inspector, version=version)

    report = releases.report_create(actor=staff_a, enterprise=enterprise_a, year=2024, releases=[line("23000000")])
    file_and_accept(report.current)
    alert = Alert.objects.get()
    assert alert.released_tonnes == Decimal("23000")

    corrected = releases.report_correct(actor=staff_a, report=report)
    releases.draft_replace_lines(actor=staff_a, version=corrected, releases=[line("24000000")])
    file_and_accept(corrected)

    assert list(Alert.objects.all()) == [alert]
    alert.refresh_from_db()
    assert alert.released_tonnes == Decimal("24000")
    assert messages_to(inspector).count() == 2
