"""An administrator deletes a deposit in the admin: its region periods go with it, and the deletion is recorded."""

import pytest
from django.contrib.contenttypes.models import ContentType

from portal.models import ChangeRecord
from registry.models import Deposit, DepositRegionPeriod
from registry.tests.factories import DepositFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_deletes_a_deposit_with_its_region_periods(administrator, enterprise_a, region, web):
    deposit = DepositFactory(operator=enterprise_a, region=region)
    assert DepositRegionPeriod.objects.filter(deposit=deposit).exists()

    response = web(administrator).post(f"/admin/registry/deposit/{deposit.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Deposit.objects.filter(pk=deposit.pk).exists()
    assert not DepositRegionPeriod.objects.filter(deposit_id=deposit.pk).exists()
    deleted = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Deposit), object_id=deposit.pk, kind="delete"
    )
    assert deleted.count() == 1
    assert deleted.get().user == administrator
