"""The history pages of a deposit and an enterprise, and the audit log: readable in the reader's language, filtered,
limited to what the reader may read, and a fixed number of queries however many records a page shows."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from portal.audit_actor import acting
from portal.audit_display import present
from portal.models import ChangeRecord
from portal.tests.audit import Log
from registry import services
from registry.models import Deposit
from registry.tests.factories import ComponentFactory, DepositFactory, EnterpriseFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deposit(enterprise_a):
    return DepositFactory(operator=enterprise_a, name="Slag dump", status="operating", is_published=False)


def test_values_read_in_the_readers_language(deposit, staff_a, other_region):
    log = Log()
    with acting(staff_a):
        deposit.status, deposit.area_increase_min_ha, deposit.area_increase_max_ha = "inactive", 1234, 2345.5
        deposit.region = other_region
        deposit.save()

    with translation.override("ru"):
        (record,) = present(log.records(Deposit))
        lines = {line.field: (line.label, line.old, line.new) for line in record.lines}
        kind = record.get_kind_display()
    assert lines["status"] == ("Статус", "действующий", "недействующий")
    assert lines["region"] == ("Регион", "Region R1 (ru)", "Region R2 (ru)")
    assert lines["area_increase_max_ha"][2] == "2\xa0345,50"
    assert (record.actor, kind) == ("staff_a", "изменение")


def test_yes_no_dates_and_the_system(deposit):
    log = Log()
    Deposit.objects.filter(pk=deposit.pk).update(is_published=True)

    (record,) = present(log.records(Deposit))
    assert [(line.label, line.old, line.new) for line in record.lines] == [("Published", "no", "yes")]
    assert record.actor == "system"


def test_a_survey_shows_in_its_deposits_history(web, staff_a, inspector, deposit):
    with acting(staff_a):
        services.survey_add(actor=staff_a, deposit=deposit, fields={"year": 2024, "tonnage_t": Decimal("1100000")})

    page = web(inspector).get(f"/registry/deposits/{deposit.pk}/history/", HTTP_ACCEPT_LANGUAGE="ru")

    text = page.content.decode()
    assert "Обследование: Slag dump 2024" in text
    assert "1\xa0100\xa0000,0" in text  # the new tonnage, in Russian
    assert "{&#x27;" not in text and "tonnage_t" not in text  # no Python dicts, no field names


def test_history_filters_by_person_date_and_kind(web, staff_a, administrator, deposit):
    with acting(staff_a):
        deposit.notes = "by staff"
        deposit.save()
    with acting(administrator):
        deposit.notes = "by the administrator"
        deposit.save()
    url = f"/registry/deposits/{deposit.pk}/history/"

    def shown(**query):
        return len(web(administrator).get(url, query).context["page"].object_list)

    created = shown(kind="create")  # by the fixture, with what is created along (none by a person)
    assert created == shown(person="system") >= 1
    assert shown() == created + 2
    assert shown(kind="update") == 2
    assert shown(person="staff_a") == shown(person="staff_a", kind="update") == 1
    assert shown(since="2000-01-01", until="2000-12-31") == 0


def test_history_page_queries_do_not_grow_with_the_records(web, administrator, enterprise_a, deposit):
    url = f"/registry/deposits/{deposit.pk}/history/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert web(administrator).get(url).status_code == 200
        return len(captured)

    ComponentFactory(deposit=deposit, component="Cu")
    few = queries()
    for number in range(10):
        ComponentFactory(deposit=deposit, component=f"El{number}")
        deposit.operator = EnterpriseFactory() if number % 2 else enterprise_a
        deposit.save()
    assert queries() == few


def test_the_audit_log_shows_only_what_the_reader_may_read(web, staff_a, inspector, other_inspector, administrator):
    outside = DepositFactory(operator=EnterpriseFactory(region=RegionFactory()), name="Elsewhere")
    mine = DepositFactory(operator=staff_a.memberships.get().enterprise, name="Mine")

    def names(user) -> set[str]:
        page = web(user).get("/audit/", {"model": "registry.deposit"})
        assert page.status_code == 200
        return {record.object_repr for record in page.context["page"].object_list}

    assert names(staff_a) == {mine.name}
    assert names(inspector) == {mine.name}
    assert names(other_inspector) == set()
    assert names(administrator) == {mine.name, outside.name}
    assert web(None).get("/audit/").status_code == 302


def test_the_audit_log_is_in_the_menu_of_those_who_read_history(web, staff_a, administrator):
    assert 'href="/audit/"' in web(staff_a).get("/").content.decode()
    assert 'href="/audit/"' not in web(None).get("/").content.decode()


def test_old_records_without_field_objects_still_read(deposit):
    record = ChangeRecord.objects.create(
        content_type=ContentType.objects.get_for_model(Deposit),
        object_id=deposit.pk,
        object_repr=deposit.name,
        kind="update",
        changes={"operator_id": [deposit.operator_id, None], "survey 2024": [None, {"year": 2024}]},
    )

    (shown,) = present([record])
    assert [(line.label, line.old, line.new) for line in shown.lines] == [
        ("Operator", "Enterprise A LLP", "—"),
        ("survey 2024", "—", "year: 2024"),
    ]
