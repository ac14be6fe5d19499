"""Every write of monitoring's audited rows leaves exactly one change record per row: points (API), alerts (opened
and extended by evaluation, in bulk and by SQL, as the system; worked by inspectors through the page and the API),
and the reference data in the admin (pollutants, units, norms, severity rule sets with their rules)."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from monitoring.ingest import COLUMNS
from monitoring.models import Alert, MonitoringPoint, MpcNorm, Pollutant, SeverityRule, SeverityRuleSet, Unit
from monitoring.reference import current_ruleset, ruleset_rules
from monitoring.tests.helpers import ALERTS, POINTS, row
from monitoring.tests.test_admin import rules_post
from portal.tests.audit import Log
from portal.tests.forms import form_data

pytestmark = pytest.mark.django_db


def test_a_point_created_through_the_api(client_for, staff_a, enterprise_a, reference):
    log = Log()
    body = {"enterprise": enterprise_a.bin, "code": "AIR-9", "medium": "air", "latitude": "46.84", "longitude": "74.98"}

    response = client_for(staff_a).post(POINTS, body, format="json")

    assert response.status_code == 201, response.data
    record = log.only(MonitoringPoint)
    assert (record.kind, record.user, record.parent_id) == ("create", staff_a, enterprise_a.pk)
    assert record.changes["code"] == [None, "AIR-9"]
    assert (record.enterprise_id, record.region_id) == (enterprise_a.pk, enterprise_a.region_id)


def test_evaluation_opens_and_extends_an_alert_as_the_system(air, staff_a, enterprise_a, post_results):
    log = Log()
    assert post_results(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.004")]).status_code == 201  # exceedance
    alert = Alert.objects.get()
    created = log.only(Alert)
    assert (created.kind, created.user, created.changes["status"]) == ("create", None, [None, "new"])
    assert created.changes["severity"] == [None, 1]
    assert (created.enterprise_id, created.region_id) == (enterprise_a.pk, enterprise_a.region_id)

    log = Log()
    assert post_results(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.2")]).status_code == 201  # extreme
    extended = log.only(Alert, object_id=alert.pk)
    assert (extended.kind, extended.user, extended.changes["severity"]) == ("update", None, [1, 3])

    log = Log()
    assert post_results(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.004")]).status_code == 201
    # One more result, the same severity: the alert's running totals are not audited.
    assert all("severity" not in record.changes for record in log.records(Alert))


def file_upload(rows: list[dict]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("results.csv", buffer.getvalue().encode(), content_type="text/csv")


def test_an_alert_opened_by_the_fast_file_path_is_recorded_once(
    air, staff_a, enterprise_a, web, django_capture_on_commit_callbacks
):
    log = Log()
    with django_capture_on_commit_callbacks(execute=True):
        response = web(staff_a).post(
            "/monitoring/upload/", {"enterprise": enterprise_a.pk, "file": file_upload([row("AIR-1", "Cu", "0.03")])}
        )

    assert response.status_code == 302
    alert = Alert.objects.get()
    # Opened, its totals added and its persistence judged in the file's transaction: one record, of the alert as
    # that transaction left it (the evaluation that follows reads nothing again).
    record = log.only(Alert)
    assert (record.kind, record.object_id, record.user) == ("create", alert.pk, None)
    assert (record.changes["status"], record.changes["severity"]) == ([None, "new"], [None, 2])


@pytest.fixture
def alert(air, staff_a, enterprise_a, submit, inspector):
    submit(staff_a, enterprise_a, [row("AIR-1", "Cu", "0.03")])
    return Alert.objects.get()


def test_an_inspector_works_an_alert_through_the_page(alert, inspector, web):
    client, log = web(inspector), Log()
    page = client.get(f"/monitoring/alerts/{alert.pk}/")

    response = client.post(
        page.request["PATH_INFO"], form_data(page.content, status="acknowledged", assigned_to=str(inspector.pk))
    )

    assert response.status_code == 302
    record = log.only(Alert)
    assert (record.kind, record.user) == ("update", inspector)
    assert record.changes == {"status": ["new", "acknowledged"], "assigned_to": [None, inspector.pk]}


def test_an_inspector_closes_an_alert_through_the_api(alert, inspector, client_for):
    log = Log()
    response = client_for(inspector).post(
        f"{ALERTS}{alert.pk}/update_status/", {"status": "resolved", "comment": "Filter replaced."}, format="json"
    )

    assert response.status_code == 200, response.data
    record = log.only(Alert)
    assert (record.user, record.changes["status"]) == (inspector, ["new", "resolved"])
    assert set(record.changes) == {"status", "closed_at"}


def admin_post(web, administrator, url: str, **changes) -> Log:
    client = web(administrator)
    page = client.get(url)
    assert page.status_code == 200
    log = Log()
    response = client.post(url, form_data(page.content, **changes))
    assert response.status_code == 302, response.content.decode()[-3000:]
    return log


@pytest.mark.parametrize(
    ("model", "url", "changes", "kind", "expected"),
    [
        (
            Pollutant,
            "/admin/monitoring/pollutant/{Cu}/change/",
            {"cas": "7440-50-9X"},
            "update",
            {"cas": ["7440-50-8", "7440-50-9X"]},
        ),
        (
            Pollutant,
            "/admin/monitoring/pollutant/add/",
            {"code": "Hg2", "name_en": "Mercury (II)"},
            "create",
            {"code": [None, "Hg2"]},
        ),
        (
            Unit,
            "/admin/monitoring/unit/add/",
            {"code": "ng/m3", "medium": "air", "factor": "0.000001"},
            "create",
            {"factor": [None, "0.0000010000"]},
        ),
        (
            MpcNorm,
            "/admin/monitoring/mpcnorm/{norm}/change/",
            {"legal_basis": "Order No. 1"},
            "update",
            {"legal_basis": ["{basis}", "Order No. 1"]},
        ),
    ],
    ids=["pollutant changed", "pollutant added", "unit added", "norm changed"],
)
def test_reference_data_in_the_admin(reference, web, administrator, model, url, changes, kind, expected):
    copper = Pollutant.objects.get(code="Cu")
    norm = MpcNorm.objects.filter(pollutant=copper).first()
    url = url.format(Cu=copper.pk, norm=norm.pk)
    expected = {name: [value.format(basis=norm.legal_basis) if isinstance(value, str) else value for value in pair]
                for name, pair in expected.items()}  # fmt: skip

    log = admin_post(web, administrator, url, **changes)

    record = log.only(model)
    assert (record.kind, record.user) == (kind, administrator)
    assert {name: record.changes[name] for name in expected} == expected


def test_a_unit_deleted_in_the_admin(reference, web, administrator):
    unit = Unit.objects.create(code="pg/m3", medium="air", factor=Decimal("0.000000001"))

    log = admin_post(web, administrator, f"/admin/monitoring/unit/{unit.pk}/delete/")

    assert log.only(Unit).changes["code"] == ["pg/m3", None]


def test_a_new_severity_rule_set_records_the_set_and_each_rule_on_it(reference, web, administrator):
    rules = ruleset_rules(current_ruleset())
    rules[0]["high_multiple"] = Decimal("4")
    log = Log()

    response = web(administrator).post("/admin/monitoring/severityruleset/add/", rules_post(rules, note="Stricter."))

    assert response.status_code == 302
    ruleset = current_ruleset()
    record = log.only(SeverityRuleSet)
    assert (record.kind, record.user, record.object_id) == ("create", administrator, ruleset.pk)
    assert record.changes["note"] == [None, "Stricter."]
    rule_records = log.records(SeverityRule)
    assert len(rule_records) == len(rules)
    assert {(rule.kind, rule.parent_id) for rule in rule_records} == {("create", ruleset.pk)}
    assert rule_records[0].changes["high_multiple"] == [None, "4.00"]
