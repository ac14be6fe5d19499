"""The audit trail's mechanism (portal.audit), shown on the portal's own audited model, the user: every write path
leaves exactly one record per row changed, with the old values from the database, in the same transaction."""

import pytest
from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone

from portal import audit
from portal.audit_actor import acting
from portal.models import ChangeRecord, User
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def records(user: User, kind: str | None = None):
    found = ChangeRecord.objects.filter(content_type__model="user", object_id=user.pk)
    return found.filter(kind=kind) if kind else found


@pytest.fixture
def person(db):
    return UserFactory(username="aigul", first_name="Aigul", email="aigul@example.kz")


def test_creating_records_the_values_and_of_the_password_only_that_it_was_set(person):
    (record,) = records(person)
    assert record.kind == "create"
    assert record.changes["username"] == [None, "aigul"]
    assert record.changes["role"] == [None, "enterprise_staff"]
    assert record.changes["password"] == [None, audit.SECRET_CHANGED]
    assert person.password not in str(record.changes)
    assert "last_login" not in record.changes


def test_old_values_come_from_the_database_not_from_the_instance(person):
    stale = User.objects.get(pk=person.pk)
    User.objects.filter(pk=person.pk).update(first_name="Aigerim")
    stale.email = "new@example.kz"  # the instance still says "Aigul" for the first name

    stale.save()

    record = records(person, "update").latest("id")
    assert record.changes == {"first_name": ["Aigerim", "Aigul"], "email": ["aigul@example.kz", "new@example.kz"]}


def test_a_save_that_changes_nothing_records_nothing(person):
    person.save()
    User.objects.filter(pk=person.pk).update(first_name="Aigul")
    assert not records(person, "update").exists()


def test_unaudited_fields_do_not_count(person, django_assert_num_queries):
    person.last_login = timezone.now()
    with django_assert_num_queries(3):  # savepoint, UPDATE, release: not even a read for the audit trail
        person.save(update_fields=["last_login"])
    User.objects.filter(pk=person.pk).update(last_login=timezone.now())
    assert not records(person, "update").exists()


def test_a_new_password_is_recorded_as_changed_only(person):
    person.set_password("another-long-password")
    person.save()
    assert records(person, "update").get().changes == {"password": [None, audit.SECRET_CHANGED]}


def test_update_records_each_row():
    first, second = UserFactory(role=User.Role.INSPECTOR), UserFactory(role=User.Role.INSPECTOR)
    UserFactory()  # not matched

    assert User.objects.filter(role=User.Role.INSPECTOR).update(is_active=False) == 2

    for user in (first, second):
        assert records(user, "update").get().changes == {"is_active": [True, False]}
    assert ChangeRecord.objects.filter(kind="update").count() == 2


def test_bulk_update_records_the_fields_written():
    first, second = UserFactory(last_name="A"), UserFactory(last_name="B")
    first.last_name, second.last_name = "A2", "B"

    User.objects.bulk_update([first, second], ["last_name"])

    assert records(first, "update").get().changes == {"last_name": ["A", "A2"]}
    assert not records(second, "update").exists()


def test_bulk_create_records_each_row():
    created = User.objects.bulk_create([User(username="bulk1"), User(username="bulk2", email="b@example.kz")])

    assert [records(user, "create").get().changes["username"][1] for user in created] == ["bulk1", "bulk2"]


def test_bulk_create_ignoring_conflicts_must_be_tracked():
    with pytest.raises(TypeError, match="track"):
        User.objects.bulk_create([User(username="bulk1")], ignore_conflicts=True)

    with audit.track(User.objects.filter(username__startswith="bulk")):
        User.objects.bulk_create([User(username="bulk1")], ignore_conflicts=True)
        User.objects.bulk_create([User(username="bulk1")], ignore_conflicts=True)

    assert ChangeRecord.objects.filter(content_type__model="user", kind="create").count() == 1


def test_raw_sql_inside_track_is_recorded(person):
    with audit.track(User.objects.filter(pk=person.pk)), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {User._meta.db_table} SET last_name = 'Nurlanovna' WHERE id = %s", [person.pk])

    assert records(person, "update").get().changes == {"last_name": ["", "Nurlanovna"]}


def test_rows_inserted_by_sql_are_recorded_as_created():
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {User._meta.db_table} (password, is_superuser, username, first_name, last_name, email, "
            "is_staff, is_active, date_joined, role) VALUES ('', FALSE, 'raw', '', '', '', FALSE, TRUE, now(), "
            "'inspector') RETURNING id"
        )
        (pk,) = cursor.fetchone()
    audit.created(User, [pk])

    record = ChangeRecord.objects.get(object_id=pk, content_type__model="user")
    assert (record.kind, record.changes["role"], record.object_repr) == ("create", [None, "inspector"], "raw")


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_delete_records_the_old_values(person, how):
    pk = person.pk
    if how == "instance":
        person.delete()
    else:
        User.objects.filter(pk=pk).delete()

    record = ChangeRecord.objects.get(content_type__model="user", object_id=pk, kind="delete")
    assert record.changes["username"] == ["aigul", None]
    assert record.object_repr == "aigul"


def test_the_record_shares_the_transaction_of_the_write(person):
    with pytest.raises(RuntimeError), transaction.atomic():
        person.first_name = "Rolled back"
        person.save()
        assert records(person, "update").exists()
        raise RuntimeError

    person.refresh_from_db()
    assert person.first_name == "Aigul"
    assert not records(person, "update").exists()


def test_the_actor_is_whoever_acting_names(person, administrator):
    with acting(administrator):
        person.first_name = "Aigerim"
        person.save()
    person.first_name = "Aigul"
    person.save()

    first, second = records(person, "update").order_by("id")
    assert (first.user, second.user) == (administrator, None)


@shared_task
def rename(user_id: int) -> None:
    User.objects.filter(pk=user_id).update(first_name="By a task")


def test_a_task_acts_for_nobody_even_run_eagerly_inside_acting(person, administrator):
    with acting(administrator):
        rename.apply(args=[person.pk])
        person.email = "after@example.kz"
        person.save()

    by_task, after = records(person, "update").order_by("id")
    assert (by_task.user, by_task.changes) == (None, {"first_name": ["Aigul", "By a task"]})
    assert after.user == administrator


def test_the_request_user_acts_in_a_request(web, administrator, person):
    response = web(administrator).post(
        f"/admin/portal/user/{person.pk}/change/",
        {
            "username": "aigul", "first_name": "Aigul", "last_name": "Serikova", "email": "aigul@example.kz",
            "is_active": "on", "role": "inspector", "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00",
        },
    )  # fmt: skip

    assert response.status_code == 302, response.content
    record = records(person, "update").get()
    assert record.user == administrator
    assert record.changes["role"] == ["enterprise_staff", "inspector"]
    assert record.changes["last_name"] == ["", "Serikova"]


def test_every_audited_model_records_its_bulk_writes():
    expected = {
        "portal.User", "registry.Region", "registry.Enterprise", "registry.Deposit", "registry.DepositSurvey",
        "registry.DepositComponent", "registry.Membership", "registry.InspectorAssignment",
        "monitoring.MonitoringPoint", "monitoring.Pollutant", "monitoring.Unit", "monitoring.MpcNorm",
        "monitoring.SeverityRuleSet", "monitoring.SeverityRule", "monitoring.Alert", "reports.YearReference",
        "reports.RegionalReport", "returns.FilingYear", "returns.WasteCode", "returns.ReturnVersion",
        "registry.RegionSplit", "registry.EnterpriseRegionPeriod", "registry.DepositRegionPeriod",
    }  # fmt: skip
    models = audit.audited_models()
    assert expected <= {model._meta.label for model in models}
    for model in models:
        assert isinstance(model._default_manager.all(), audit.AuditedQuerySet), model
