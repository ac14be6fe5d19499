"""Every write path of the registry leaves exactly one change record per row, with the old values from the database
and the new ones: the pages, the API, the survey file, the admin with its inlines, the loader."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from portal.audit_actor import acting
from portal.models import User
from portal.tests.audit import Log
from portal.tests.factories import PASSWORD
from portal.tests.forms import form_data
from registry.models import (
    Deposit,
    DepositComponent,
    DepositSurvey,
    Enterprise,
    InspectorAssignment,
    Membership,
    Region,
)
from registry.reference import load_regions
from registry.tests.factories import (
    ComponentFactory,
    DepositFactory,
    EnterpriseFactory,
    MembershipFactory,
    SurveyFactory,
    deposit_payload,
    next_valid_bin,
)

pytestmark = pytest.mark.django_db


def test_editing_a_deposit_through_its_form_is_recorded(web, staff_a, enterprise_a):
    """The form puts the new values on the deposit before the service runs: the old ones come from the database."""
    deposit = DepositFactory(operator=enterprise_a, notes="", status="operating")
    client, log = web(staff_a), Log()
    page = client.get(f"/registry/deposits/{deposit.pk}/edit/")

    response = client.post(page.request["PATH_INFO"], form_data(page.content, notes="Fenced.", status="inactive"))

    assert response.status_code == 302, response.context["form"].errors
    record = log.only(Deposit)
    assert (record.kind, record.user, record.object_id) == ("update", staff_a, deposit.pk)
    assert record.changes == {"status": ["operating", "inactive"], "notes": ["", "Fenced."]}


def test_editing_an_enterprise_through_its_form_is_recorded(web, staff_a, enterprise_a):
    client, log = web(staff_a), Log()
    page = client.get(f"/registry/enterprises/{enterprise_a.pk}/edit/")

    response = client.post(page.request["PATH_INFO"], form_data(page.content, phone="+7 7102 123456"))

    assert response.status_code == 302, response.context["form"].errors
    record = log.only(Enterprise)
    assert (record.kind, record.user, record.changes) == ("update", staff_a, {"phone": ["", "+7 7102 123456"]})


@dataclass
class World:
    web: Callable[[User | None], Client]
    api: Callable[[User | None], APIClient]
    administrator: User
    staff: User
    enterprise: Enterprise
    log: Log | None = None

    def start(self) -> None:
        """The write under test starts: what the path prepared before is not its record."""
        self.log = Log()


@pytest.fixture
def world(web, client_for, administrator, staff_a, enterprise_a) -> World:
    return World(web, client_for, administrator, staff_a, enterprise_a)


def admin_post(world: World, url: str, **changes: Any) -> None:
    """Submit an admin page as shown, with `changes`, as the administrator."""
    client = world.web(world.administrator)
    page = client.get(url)
    assert page.status_code == 200, url
    world.start()
    response = client.post(url, form_data(page.content, **changes))
    assert response.status_code == 302, getattr(response.context_data, "get", lambda _: None)("errors") or response


# Each path writes and returns the model, the row's id, the kind of change, changes the record must hold (a subset)
# and the user who acts.


def deposit_by_page(world):
    data = {
        "name": "North tailings", "operator": world.enterprise.pk, "region": world.enterprise.region_id,
        "kind": "mining_processing", "subkind": "tailings", "status": "operating", "latitude": "46.84",
        "longitude": "74.98", "state_year": "2023", "tonnage_t": "1500000",
    }  # fmt: skip
    world.start()
    assert world.web(world.staff).post("/registry/deposits/new/", data).status_code == 302
    deposit = Deposit.objects.get(name="North tailings")
    return Deposit, deposit.pk, "create", {"tonnage_t": [None, "1500000.0"], "kind": [None, "mining_processing"]}


def deposit_by_api(world):
    world.start()
    response = world.api(world.staff).post("/api/v1/registry/deposits/", deposit_payload(world.enterprise))
    assert response.status_code == 201, response.data
    return Deposit, response.data["id"], "create", {"name": [None, "Ash dump No. 2"]}


def deposit_patched_by_api(world):
    deposit = DepositFactory(operator=world.enterprise, hazard_class="")
    world.start()
    response = world.api(world.staff).patch(f"/api/v1/registry/deposits/{deposit.pk}/", {"hazard_class": "IV"})
    assert response.status_code == 200, response.data
    return Deposit, deposit.pk, "update", {"hazard_class": ["", "IV"]}


def deposit_added_in_admin(world):
    admin_post(
        world, "/admin/registry/deposit/add/", name="Admin dump", operator=str(world.enterprise.pk),
        region=str(world.enterprise.region_id), kind="energy", subkind="ash", latitude="43.2", longitude="76.9",
        state_year="2020", tonnage_t="10", status="operating",
    )  # fmt: skip
    return Deposit, Deposit.objects.get(name="Admin dump").pk, "create", {"subkind": [None, "ash"]}


def deposit_changed_in_admin(world):
    deposit = DepositFactory(operator=world.enterprise, name="Old name")
    admin_post(world, f"/admin/registry/deposit/{deposit.pk}/change/", name="New name")
    return Deposit, deposit.pk, "update", {"name": ["Old name", "New name"]}


def deposit_deleted(world):
    deposit = DepositFactory(operator=world.enterprise, name="Gone")
    pk = deposit.pk
    world.start()
    with acting(world.administrator):
        deposit.delete()
    return Deposit, pk, "delete", {"name": ["Gone", None]}


def survey_by_page(world):
    deposit = DepositFactory(operator=world.enterprise, state_year=2023)
    data = {"year": "2010", "tonnage_t": "400000", "source": "Inventory"}
    world.start()
    assert world.web(world.staff).post(f"/registry/deposits/{deposit.pk}/surveys/new/", data).status_code == 302
    survey = DepositSurvey.objects.get(deposit=deposit, year=2010)
    return DepositSurvey, survey.pk, "create", {"year": [None, 2010], "source": [None, "Inventory"]}


def survey_by_file(world):
    deposit = DepositFactory(operator=world.enterprise, state_year=2023)
    upload = SimpleUploadedFile("surveys.csv", b"year,tonnage_t\n2005,300000\n", content_type="text/csv")
    world.start()
    response = world.web(world.staff).post(f"/registry/deposits/{deposit.pk}/surveys/upload/", {"file": upload})
    assert response.status_code == 302
    survey = DepositSurvey.objects.get(deposit=deposit, year=2005)
    return DepositSurvey, survey.pk, "create", {"tonnage_t": [None, "300000.0"]}


def component_by_page(world):
    deposit = DepositFactory(operator=world.enterprise)
    data = {"basis": "chemical", "component": "Zn", "unit": "%", "mean": "1.5"}
    world.start()
    response = world.web(world.staff).post(f"/registry/deposits/{deposit.pk}/composition/new/", data)
    assert response.status_code == 302
    component = DepositComponent.objects.get(deposit=deposit)
    return DepositComponent, component.pk, "create", {"component": [None, "Zn"], "mean": [None, "1.5000"]}


def component_added_in_admin_inline(world):
    deposit = DepositFactory(operator=world.enterprise)
    admin_post(
        world, f"/admin/registry/deposit/{deposit.pk}/change/",
        **{"components-TOTAL_FORMS": "1", "components-0-deposit": str(deposit.pk), "components-0-basis": "chemical",
           "components-0-component": "Pb", "components-0-unit": "g/t", "components-0-mean": "12"},
    )  # fmt: skip
    component = DepositComponent.objects.get(deposit=deposit)
    return DepositComponent, component.pk, "create", {"unit": [None, "g/t"], "mean": [None, "12.0000"]}


def component_changed_in_admin_inline(world):
    component = ComponentFactory(deposit=DepositFactory(operator=world.enterprise), mean=Decimal("0.8"))
    admin_post(world, f"/admin/registry/deposit/{component.deposit_id}/change/", **{"components-0-mean": "0.9"})
    return DepositComponent, component.pk, "update", {"mean": ["0.8000", "0.9000"]}


def component_deleted_in_admin_inline(world):
    component = ComponentFactory(deposit=DepositFactory(operator=world.enterprise), component="Cu")
    admin_post(world, f"/admin/registry/deposit/{component.deposit_id}/change/", **{"components-0-DELETE": "on"})
    return DepositComponent, component.pk, "delete", {"component": ["Cu", None]}


def enterprise_by_api(world):
    body = {"name": "Kazzinc LLP", "bin": next_valid_bin(), "region": world.enterprise.region.iso_code}
    world.start()
    response = world.api(world.administrator).post("/api/v1/registry/enterprises/", body, format="json")
    assert response.status_code == 201, response.data
    enterprise = Enterprise.objects.get(name="Kazzinc LLP")
    return Enterprise, enterprise.pk, "create", {"name": [None, "Kazzinc LLP"]}


def enterprise_changed_in_admin(world):
    admin_post(world, f"/admin/registry/enterprise/{world.enterprise.pk}/change/", address="Balkhash, 1 Lenin St")
    return Enterprise, world.enterprise.pk, "update", {"address": ["", "Balkhash, 1 Lenin St"]}


def enterprise_deleted(world):
    enterprise = EnterpriseFactory(name="Closed LLP")
    pk = enterprise.pk
    world.start()
    with acting(world.administrator):
        Enterprise.objects.filter(pk=pk).delete()
    return Enterprise, pk, "delete", {"name": ["Closed LLP", None]}


def membership_added_in_admin_inline(world):
    enterprise = EnterpriseFactory()
    admin_post(
        world, f"/admin/registry/enterprise/{enterprise.pk}/change/",
        **{"memberships-TOTAL_FORMS": "1", "memberships-0-enterprise": str(enterprise.pk),
           "memberships-0-user": str(world.staff.pk)},
    )  # fmt: skip
    membership = Membership.objects.get(enterprise=enterprise)
    return Membership, membership.pk, "create", {"user": [None, world.staff.pk]}


def membership_deleted_in_admin_inline(world):
    membership = MembershipFactory(enterprise=EnterpriseFactory())
    admin_post(
        world, f"/admin/registry/enterprise/{membership.enterprise_id}/change/", **{"memberships-0-DELETE": "on"}
    )
    return Membership, membership.pk, "delete", {"enterprise": [membership.enterprise_id, None]}


def assignment_added_in_admin(world):
    inspector = User.objects.create(username="new_inspector", role=User.Role.INSPECTOR)
    admin_post(
        world,
        "/admin/registry/inspectorassignment/add/",
        user=str(inspector.pk),
        region=str(world.enterprise.region_id),
    )
    assignment = InspectorAssignment.objects.get(user=inspector)
    return InspectorAssignment, assignment.pk, "create", {"region": [None, world.enterprise.region_id]}


def region_changed_in_admin(world):
    region = world.enterprise.region
    admin_post(world, f"/admin/registry/region/{region.pk}/change/", admin_centre="Konayev")
    return Region, region.pk, "update", {"admin_centre": ["", "Konayev"]}


def region_time_zone_changed_in_admin(world):
    region = world.enterprise.region
    admin_post(world, f"/admin/registry/region/{region.pk}/change/", time_zone="Asia/Aqtobe")
    return Region, region.pk, "update", {"time_zone": ["Asia/Almaty", "Asia/Aqtobe"]}


PATHS = [
    deposit_by_page, deposit_by_api, deposit_patched_by_api, deposit_added_in_admin, deposit_changed_in_admin,
    deposit_deleted, survey_by_page, survey_by_file, component_by_page, component_added_in_admin_inline,
    component_changed_in_admin_inline, component_deleted_in_admin_inline, enterprise_by_api,
    enterprise_changed_in_admin, enterprise_deleted, membership_added_in_admin_inline,
    membership_deleted_in_admin_inline, assignment_added_in_admin, region_changed_in_admin,
    region_time_zone_changed_in_admin,
]  # fmt: skip
STAFF_PATHS = {
    deposit_by_page,
    deposit_by_api,
    deposit_patched_by_api,
    survey_by_page,
    survey_by_file,
    component_by_page,
}


@pytest.mark.parametrize("path", PATHS, ids=[path.__name__ for path in PATHS])
def test_each_write_path_leaves_one_record(world, path):
    model, pk, kind, expected = path(world)

    assert world.log is not None
    record = world.log.only(model, object_id=pk)
    assert record.kind == kind
    assert record.user == (world.staff if path in STAFF_PATHS else world.administrator)
    assert {name: record.changes.get(name) for name in expected} == expected


def test_deleting_a_deposit_records_its_surveys_and_composition_on_it(world):
    """The rows deleted with it (cascade) are recorded too, on the deposit's history."""
    deposit = DepositFactory(operator=world.enterprise)
    survey, component = SurveyFactory(deposit=deposit), ComponentFactory(deposit=deposit)
    log, pk = Log(), deposit.pk

    deposit.delete()

    assert log.only(Deposit).kind == "delete"
    for model, row in ((DepositSurvey, survey), (DepositComponent, component)):
        record = log.only(model, object_id=row.pk)
        assert (record.kind, record.parent_id, record.enterprise_id) == ("delete", pk, world.enterprise.pk)


def test_loading_the_regions_records_each_once():
    log = Log()
    created = load_regions()

    records = log.records(Region)
    assert len(records) == created > 0
    assert {record.kind for record in records} == {"create"}
    assert load_regions() == 0
    assert len(log.records()) == created


def test_a_write_with_a_token_is_recorded_as_the_tokens_user(api_client, staff_a, enterprise_a):
    """DRF's token authentication sets the request's user, which the audit trail reads when it writes."""
    deposit = DepositFactory(operator=enterprise_a, notes="")
    token = api_client.post("/api/v1/auth/token/", {"username": "staff_a", "password": PASSWORD}).data["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    log = Log()

    response = api_client.patch(f"/api/v1/registry/deposits/{deposit.pk}/", {"notes": "by token"}, format="json")

    assert response.status_code == 200, response.data
    assert (log.only(Deposit).user, log.only(Deposit).changes) == (staff_a, {"notes": ["", "by token"]})
