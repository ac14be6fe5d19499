"""The services of permits: the workflow, the rules of sources and limits, replacement and the history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.models import ChangeRecord, OutboxMessage
from registry.permits import selectors, services
from registry.permits.models import EmissionLimit, PermitStatus, Substance
from registry.permits.tests.factories import EmissionSourceFactory, PermitFactory
from registry.tests.factories import DepositFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("substances")]

FIELDS = {
    "number": "KZ02VCZ00002",
    "category": 1,
    "issuer": "Ministry of Ecology",
    "valid_from": datetime.date(2024, 1, 1),
}


def test_staff_enter_submit_and_the_inspector_verifies(staff_a, inspector, enterprise_a):
    permit = services.permit_create(actor=staff_a, enterprise=enterprise_a, fields=FIELDS)
    assert permit.status == PermitStatus.DRAFT
    services.permit_submit(actor=staff_a, permit=permit)
    assert OutboxMessage.objects.filter(code="permits.submitted", recipient=inspector).exists()
    services.permit_verify(actor=inspector, permit=permit)
    permit.refresh_from_db()
    assert (permit.status, permit.verified_by) == (PermitStatus.VERIFIED, inspector)
    assert OutboxMessage.objects.filter(code="permits.verified", recipient=staff_a).exists()
    # A verified permit is not edited: a new one replaces it.
    with pytest.raises(ValidationError):
        services.permit_update(actor=staff_a, permit=permit, fields={"issuer": "Another"})


def test_return_needs_reasons_and_opens_the_permit_again(staff_a, inspector, draft):
    services.permit_submit(actor=staff_a, permit=draft)
    with pytest.raises(ValidationError) as refused:
        services.permit_send_back(actor=inspector, permit=draft, reasons="  ")
    assert "reasons" in refused.value.message_dict
    services.permit_send_back(actor=inspector, permit=draft, reasons="The SOx limit of source 0001 is 12 000 t.")
    draft.refresh_from_db()
    assert draft.status == PermitStatus.RETURNED
    services.permit_update(actor=staff_a, permit=draft, fields={"issuer": "Corrected"})
    services.permit_submit(actor=staff_a, permit=draft)
    draft.refresh_from_db()
    assert (draft.status, draft.reasons) == (PermitStatus.SUBMITTED, "")


def test_who_may_do_what(staff_a, staff_b, inspector, other_inspector, enterprise_a, draft):
    with pytest.raises(PermissionDenied):
        services.permit_create(actor=staff_b, enterprise=enterprise_a, fields=FIELDS)
    with pytest.raises(PermissionDenied):
        services.permit_submit(actor=inspector, permit=draft)
    services.permit_submit(actor=staff_a, permit=draft)
    for actor in (staff_a, other_inspector):
        with pytest.raises(PermissionDenied):
            services.permit_verify(actor=actor, permit=draft)


def test_a_new_permit_replaces_a_verified_one_and_both_stay(staff_a, inspector, enterprise_a, enterprise_b):
    older = PermitFactory(enterprise=enterprise_a, verified=True, valid_from=datetime.date(2015, 1, 1))
    newer = services.permit_create(actor=staff_a, enterprise=enterprise_a, fields={**FIELDS, "replaces": older})
    assert older.replaced_by == newer
    with pytest.raises(ValidationError) as refused:
        services.permit_create(
            actor=staff_a, enterprise=enterprise_a, fields={**FIELDS, "number": "X", "replaces": older}
        )
    assert "replaces" in refused.value.message_dict
    draft = PermitFactory(enterprise=enterprise_a)
    with pytest.raises(ValidationError):
        services.permit_update(actor=staff_a, permit=newer, fields={"replaces": draft})
    foreign = PermitFactory(enterprise=enterprise_b, verified=True)
    with pytest.raises(ValidationError):
        services.permit_update(actor=staff_a, permit=newer, fields={"replaces": foreign})
    services.permit_submit(actor=staff_a, permit=newer)
    services.permit_verify(actor=inspector, permit=newer)
    assert selectors.current_permit(enterprise=enterprise_a, year=2024) == newer
    assert selectors.current_permit(enterprise=enterprise_a, year=2020) == older
    assert set(selectors.enterprise_permits(user=inspector, enterprise=enterprise_a)) == {older, newer, draft}


def test_the_current_permit_is_verified_and_in_force(enterprise_a):
    PermitFactory(enterprise=enterprise_a, valid_from=datetime.date(2020, 1, 1))  # a draft
    verified = PermitFactory(
        enterprise=enterprise_a,
        verified=True,
        valid_from=datetime.date(2018, 1, 1),
        valid_to=datetime.date(2022, 6, 30),
    )
    assert selectors.current_permit(enterprise=enterprise_a, year=2022) == verified
    assert selectors.current_permit(enterprise=enterprise_a, year=2023) is None
    assert selectors.current_permit(enterprise=enterprise_a.pk, year=2017) is None
    assert selectors.current_permits(year=2021) == {enterprise_a.pk: verified}


def test_limit_rules(staff_a, draft, stack, outlet, enterprise_b):
    sox, pb = Substance.objects.get(code="SOx"), Substance.objects.get(code="Pb")
    fields = {"source": stack, "substance": sox, "grams_per_second": Decimal("410.5"), "tonnes_per_year": Decimal(9)}
    limit = services.limit_save(actor=staff_a, permit=draft, limit=None, fields=fields)
    assert limit.pk
    one = {"substance": pb, "tonnes_per_year": Decimal(1)}
    refusals = [
        ({**one, "source": outlet, "grams_per_second": Decimal(1)}, "grams_per_second"),
        ({**one, "source": EmissionSourceFactory(enterprise=enterprise_b)}, "source"),
        ({**one, "source": stack, "substance": sox}, "substance"),
    ]
    for fields, field in refusals:
        with pytest.raises(ValidationError) as refused:
            services.limit_save(actor=staff_a, permit=draft, limit=None, fields=fields)
        assert field in refused.value.message_dict, refused.value
    water = services.limit_save(
        actor=staff_a,
        permit=draft,
        limit=None,
        fields={"source": outlet, "substance": pb, "tonnes_per_year": Decimal(2)},
    )
    assert water.grams_per_second is None
    services.limit_delete(actor=staff_a, limit=water)
    assert list(EmissionLimit.objects.filter(permit=draft)) == [limit]


def test_placement_limits_on_own_deposits_only(staff_a, draft, enterprise_a, enterprise_b):
    own, foreign = DepositFactory(operator=enterprise_a), DepositFactory(operator=enterprise_b)
    placement = services.placement_limit_save(
        actor=staff_a, permit=draft, placement=None, fields={"deposit": own, "tonnes_per_year": Decimal(250000)}
    )
    with pytest.raises(ValidationError) as refused:
        services.placement_limit_save(
            actor=staff_a, permit=draft, placement=None, fields={"deposit": foreign, "tonnes_per_year": Decimal(1)}
        )
    assert "deposit" in refused.value.message_dict
    services.placement_limit_delete(actor=staff_a, placement=placement)
    assert not draft.placement_limits.exists()


def test_source_rules(staff_a, enterprise_a, stack):
    base = {
        "code": "0002",
        "medium": "air",
        "kind": "organised",
        "latitude": Decimal("46.84"),
        "longitude": Decimal("74.98"),
    }
    refusals = [
        ({**base, "medium": "water"}, "kind"),
        ({**base, "kind": "unorganised", "height_m": Decimal(10)}, "height_m"),
        ({**base, "latitude": Decimal("10"), "longitude": Decimal("10")}, "latitude"),
        ({**base, "code": "0001"}, "code"),
    ]
    for fields, field in refusals:
        with pytest.raises(ValidationError) as refused:
            services.source_create(actor=staff_a, enterprise=enterprise_a, fields=fields)
        assert field in refused.value.message_dict, (fields, refused.value)
    source = services.source_create(actor=staff_a, enterprise=enterprise_a, fields={**base, "height_m": Decimal(80)})
    services.source_update(actor=staff_a, source=source, fields={"name": "Converter stack"})
    with pytest.raises(PermissionDenied):
        services.source_update(actor=staff_a, source=source, fields={"is_published": False})


def test_every_change_is_in_the_permits_history(staff_a, inspector, draft, stack):
    sox = Substance.objects.get(code="SOx")
    services.limit_save(
        actor=staff_a,
        permit=draft,
        limit=None,
        fields={"source": stack, "substance": sox, "tonnes_per_year": Decimal(5)},
    )
    services.permit_submit(actor=staff_a, permit=draft)
    services.permit_verify(actor=inspector, permit=draft)
    records = selectors.permit_history(user=inspector, permit=draft)
    models = {record.content_type.model for record in records}
    assert models == {"permit", "emissionlimit"}
    statuses = [record.changes["status"][1] for record in records.filter(changes__has_key="status")]
    assert set(statuses) >= {"submitted", "verified"}
    assert ChangeRecord.objects.filter(content_type__model="emissionsource", object_id=stack.pk).exists()
