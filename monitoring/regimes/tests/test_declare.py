"""Declaring, changing and ending a regime: who may, what is refused (naming the field, nothing saved), what is
recorded, and the messages stored at once for the enterprises with a source in the city."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from monitoring.regimes import services
from monitoring.regimes.models import Regime
from monitoring.regimes.signals import regime_declared
from portal.audit_actor import acting
from portal.models import ChangeRecord, OutboxMessage
from registry.tests.factories import MembershipFactory

NOW = timezone.now()


def fields(**changes):
    return {
        "degree": 2,
        "starts_at": NOW,
        "ends_at": NOW + datetime.timedelta(days=1),
        "bulletin": "Kazhydromet No. 7, 1 December",
        **changes,
    }


def codes(exc: ValidationError) -> dict[str, list[str | None]]:
    return {name: [error.code for error in errors] for name, errors in exc.error_dict.items()}


def test_an_inspector_of_the_region_declares_and_it_is_recorded(inspector, city):
    # The request's user is the record's (portal.audit); here the test says who acts.
    with acting(inspector):
        regime = services.regime_declare(actor=inspector, city=city, fields=fields())
    assert regime.declared_by == inspector and regime.city == city
    record = ChangeRecord.objects.get(object_id=regime.pk, content_type__model="regime")
    assert record.user == inspector and record.kind == "create" and record.region_id == city.region_id


@pytest.mark.parametrize("who", ["other_inspector", "staff_a"])
def test_others_may_not_declare(request, who, city):
    with pytest.raises(PermissionDenied):
        services.regime_declare(actor=request.getfixturevalue(who), city=city, fields=fields())
    assert not Regime.objects.exists()


def test_an_administrator_declares_anywhere(administrator, other_city):
    assert services.regime_declare(actor=administrator, city=other_city, fields=fields()).pk


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"ends_at": NOW - datetime.timedelta(hours=1)}, {"ends_at": ["ends_before_start"]}),
        ({"ends_at": NOW}, {"ends_at": ["ends_before_start"]}),
        ({"degree": 4}, {"degree": ["invalid_choice"]}),
        ({"degree": 0}, {"degree": ["invalid_choice"]}),
        ({"bulletin": "  "}, {"bulletin": ["required"]}),
        ({"bulletin": "No. 7\x00"}, {"bulletin": ["control_character"]}),
        ({"starts_at": datetime.datetime(2024, 1, 1)}, {"starts_at": ["naive"]}),
    ],
)
def test_bad_input_is_refused_naming_the_field(inspector, city, changes, expected):
    with pytest.raises(ValidationError) as refused:
        services.regime_declare(actor=inspector, city=city, fields=fields(**changes))
    assert codes(refused.value) == expected
    assert not Regime.objects.exists() and not OutboxMessage.objects.exists()


def test_an_unknown_city_is_refused_naming_the_field(inspector):
    with pytest.raises(ValidationError) as refused:
        services.regime_declare(actor=inspector, city=None, fields=fields())
    assert codes(refused.value) == {"city": ["unknown_city"]}


def test_each_enterprise_with_a_source_in_the_city_is_told_once(
    inspector, city, stack_a, stack_b, far_stack, staff_a, staff_b, enterprise_a
):
    second = MembershipFactory(enterprise=enterprise_a).user
    told = []
    regime_declared.connect(lambda sender, regime, **kw: told.append(regime), weak=False, dispatch_uid="test-told")
    try:
        regime = services.regime_declare(actor=inspector, city=city, fields=fields())
    finally:
        regime_declared.disconnect(dispatch_uid="test-told")
    assert told == [regime]
    emails = OutboxMessage.objects.filter(channel="email", code="regimes.declared")
    assert sorted(emails.values_list("recipient", flat=True)) == sorted([staff_a.pk, staff_b.pk, second.pk])
    keys = set(emails.values_list("dedupe_key", flat=True))
    assert f"regime:{regime.pk}:enterprise:{enterprise_a.pk}:{staff_a.pk}" in keys
    # On the site too.
    assert OutboxMessage.objects.filter(channel="in_app", code="regimes.declared").count() == 3
    # Storing them again stores nothing.
    services._notify_enterprises(regime)
    assert OutboxMessage.objects.filter(code="regimes.declared").count() == 6


def test_no_message_for_an_enterprise_outside_the_city(inspector, city, far_stack, staff_a):
    services.regime_declare(actor=inspector, city=city, fields=fields())
    assert not OutboxMessage.objects.exists()


def test_the_message_reads_in_the_readers_language(inspector, city, stack_a, staff_a):
    from portal.outbox import render

    services.regime_declare(actor=inspector, city=city, fields=fields())
    message = OutboxMessage.objects.filter(channel="email").get()
    assert city.name in render(message, "en").subject
    assert "2nd degree" in render(message, "en").subject
    assert render(message, "ru").subject != render(message, "en").subject


def test_change_and_end(inspector, city):
    regime = services.regime_declare(
        actor=inspector, city=city, fields=fields(starts_at=NOW - datetime.timedelta(hours=2))
    )
    services.regime_change(actor=inspector, regime=regime, fields={"degree": 3})
    regime.refresh_from_db()
    assert regime.degree == 3
    with pytest.raises(ValidationError) as refused:
        services.regime_change(actor=inspector, regime=regime, fields={"ends_at": regime.starts_at})
    assert codes(refused.value) == {"ends_at": ["ends_before_start"]}
    ended = services.regime_end(actor=inspector, regime=regime)
    assert ended.ends_at <= timezone.now() and not ended.is_running()
    with pytest.raises(ValidationError) as again:
        services.regime_end(actor=inspector, regime=regime)
    assert codes(again.value) == {"ends_at": ["ended"]}


def test_ending_before_the_start_is_refused(inspector, city):
    regime = services.regime_declare(
        actor=inspector, city=city, fields=fields(starts_at=NOW + datetime.timedelta(hours=5))
    )
    with pytest.raises(ValidationError) as refused:
        services.regime_end(actor=inspector, regime=regime)
    assert codes(refused.value) == {"ends_at": ["ends_before_start"]}


def test_other_inspectors_may_not_change_or_end(inspector, other_inspector, city):
    regime = services.regime_declare(actor=inspector, city=city, fields=fields())
    with pytest.raises(PermissionDenied):
        services.regime_change(actor=other_inspector, regime=regime, fields={"degree": 1})
    with pytest.raises(PermissionDenied):
        services.regime_end(actor=other_inspector, regime=regime)
