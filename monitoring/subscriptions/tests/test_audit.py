"""Every write of a subscription is in the change log, which never holds the address (only that it changed)."""

import pytest

from monitoring.subscriptions.models import Subscription
from portal.audit import SECRET_CHANGED
from portal.models import ChangeRecord

pytestmark = pytest.mark.django_db


def test_the_change_log_records_the_writes_but_not_the_address(enterprise_a, confirmed):
    subscription = confirmed("reader@example.kz", enterprise=enterprise_a)

    records = ChangeRecord.objects.filter(object_id=subscription.pk, content_type__model="subscription")
    assert records.count() >= 2, "created, then confirmed"
    for record in records:
        assert "reader@example.kz" not in str(record.changes) + record.object_repr
    created = records.order_by("time", "pk").first()
    assert created is not None and created.changes["email"] in (SECRET_CHANGED, [None, SECRET_CHANGED])
    assert Subscription.objects.get().email == "reader@example.kz"
