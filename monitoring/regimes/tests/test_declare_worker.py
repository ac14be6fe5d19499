"""With a real Redis and a real Celery worker: declaring a regime tells each enterprise with a source in the city
exactly once, also when the worker is killed in the middle of sending (an e-mail sent, one in flight, one waiting):
the messages were stored with the regime, the one in flight is sent again once its sender's claim has gone stale,
and nothing is sent twice."""

import datetime
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from monitoring.regimes import services
from monitoring.regimes.tests.factories import CityFactory
from portal.models import OutboxMessage
from portal.tasks import enqueue
from portal.tests.mail import mailed_files
from portal.tests.worker import start_worker, wait_for
from registry.permits.tests.factories import EmissionSourceFactory
from registry.tests.factories import (
    BALKHASH,
    EnterpriseFactory,
    InspectorAssignmentFactory,
    MembershipFactory,
    RegionFactory,
)

HANGS = "second@example.kz"


@pytest.fixture
def mail_folder(tmp_path, monkeypatch):
    """The worker started after this writes its e-mails as files here, and hangs on the e-mail to HANGS."""
    folder = tmp_path / "mail"
    folder.mkdir()
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "monitoring.regimes.tests.mail_settings")
    monkeypatch.setenv("QALDYQ_TEST_MAIL_DIR", str(folder))
    monkeypatch.setenv("QALDYQ_TEST_HANG_ON", HANGS)
    return folder


@pytest.fixture
def city_with_three_enterprises(transactional_db):
    region = RegionFactory()
    city = CityFactory(region=region)
    staff = []
    for address in ("first@example.kz", HANGS, "third@example.kz"):
        enterprise = EnterpriseFactory(region=region)
        EmissionSourceFactory(enterprise=enterprise, code="0001")
        EmissionSourceFactory(enterprise=enterprise, code="0002")  # two sources: still one message
        staff.append(MembershipFactory(enterprise=enterprise, user__email=address).user)
    outside = EnterpriseFactory(region=region)
    EmissionSourceFactory(enterprise=outside, latitude=BALKHASH[0] + 1)
    MembershipFactory(enterprise=outside, user__email="outside@example.kz")
    return city, InspectorAssignmentFactory(region=region).user, staff


def test_declaring_tells_each_enterprise_once_though_the_worker_is_killed_mid_send(
    mail_folder, city_with_three_enterprises, celery_worker, monkeypatch
):
    city, inspector, staff = city_with_three_enterprises
    now = timezone.now()
    regime = services.regime_declare(actor=inspector, city=city, fields={
        "degree": 2, "starts_at": now, "ends_at": now + datetime.timedelta(days=1), "bulletin": "No. 12",
    })  # fmt: skip
    emails = OutboxMessage.objects.filter(channel="email", code="regimes.declared")
    assert sorted(emails.values_list("address", flat=True)) == sorted(user.email for user in staff)

    # The worker sends the first e-mail, then hangs on the second: killed there.
    assert wait_for(lambda: (mail_folder / "hanging").exists())
    celery_worker.kill()
    sent = emails.exclude(sent_at=None)
    assert list(sent.values_list("address", flat=True)) == ["first@example.kz"]
    in_flight = emails.get(address=HANGS)
    assert in_flight.claimed_at is not None and in_flight.sent_at is None

    # Time passes: the dead sender's claim goes stale (OUTBOX_CLAIM_SECONDS); a new worker, whose mail no longer
    # hangs, sends what is left when beat runs the sender, twice as two minutes would.
    emails.filter(pk=in_flight.pk).update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
    monkeypatch.setenv("QALDYQ_TEST_HANG_ON", "nobody@example.kz")
    replacement = start_worker(celery_worker.queue)
    try:
        for _ in range(2):
            with transaction.atomic():
                enqueue("portal.tasks.send_outbox")
        assert wait_for(lambda: not emails.filter(sent_at=None).exists())
        # Declaring's notification stored again (a retried request, a second run) stores nothing new.
        with transaction.atomic():
            services._notify_enterprises(regime)
            enqueue("portal.tasks.send_outbox")
        assert wait_for(lambda: len(mailed_files(mail_folder)) >= 3)
    finally:
        replacement.process.terminate()
        replacement.process.wait(timeout=20)

    mailed = Counter(str(message["To"]) for message in mailed_files(mail_folder))
    assert mailed == Counter({"first@example.kz": 1, HANGS: 1, "third@example.kz": 1})
    assert emails.count() == 3
    # Written in the portal's language, naming the city.
    assert all(city.name in str(message["Subject"]) for message in mailed_files(mail_folder))
