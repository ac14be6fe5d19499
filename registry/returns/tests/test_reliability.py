"""With a real Redis and a real Celery worker: while the broker is down, submitting, accepting and returning a
return through the API answer 2xx and keep their e-mails in the outbox; once the broker is back, the sender run by
beat sends each of them exactly once.

Before the outbox these requests answered 500 (and later 2xx), but the e-mail was lost either way: nothing sent it
once the broker was back."""

import json
import os
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from portal.models import OutboxMessage
from portal.tasks import enqueue
from portal.tests.mail import mailed_files
from portal.tests.worker import ROOT, database_url_for_subprocess, wait_for
from registry.returns.tests import helpers

DEAD_BROKER = "redis://127.0.0.1:9/0"


@pytest.fixture
def mail_folder(tmp_path, monkeypatch):
    """The worker started after this writes its e-mails as files here (portal/tests/mail_settings.py)."""
    folder = tmp_path / "mail"
    folder.mkdir()
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "portal.tests.mail_settings")
    monkeypatch.setenv("QALDYQ_TEST_MAIL_DIR", str(folder))
    return folder


def test_return_messages_survive_a_broker_outage_and_are_sent_once(
    mail_folder, celery_worker, staff_a, inspector, enterprise_a
):
    accepted = helpers.create(staff_a, enterprise_a, helpers.YEAR)
    returned = helpers.create(staff_a, enterprise_a, helpers.YEAR - 1)
    # The web process, as if Redis were down: its broker is a port where nothing listens.
    script = textwrap.dedent(f"""
        import django, json
        django.setup()
        from rest_framework.test import APIClient
        from portal.models import User

        def as_user(pk):
            client = APIClient()
            client.force_authenticate(User.objects.get(pk=pk))
            return client

        staff, inspector = as_user({staff_a.pk}), as_user({inspector.pk})
        answers = [
            staff.post("/api/v1/returns/{accepted.pk}/submit/", {{}}, format="json"),
            inspector.post("/api/v1/returns/{accepted.pk}/accept/", {{}}, format="json"),
            staff.post("/api/v1/returns/{returned.pk}/submit/", {{}}, format="json"),
            inspector.post("/api/v1/returns/{returned.pk}/return/", {{"reasons": "Line 1 is wrong."}}, format="json"),
        ]
        print(json.dumps([answer.status_code for answer in answers]))
    """)
    env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(), "CELERY_BROKER_URL": DEAD_BROKER,
           "DJANGO_SETTINGS_MODULE": "portal.settings"}  # fmt: skip
    started = time.monotonic()
    web = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert web.returncode == 0, web.stderr
    # Each enqueue waits for the broker client's own retries (about 6 s) before giving up: five here.
    assert time.monotonic() - started < 60
    assert json.loads(web.stdout.strip().splitlines()[-1]) == [200, 200, 200, 200]
    assert web.stderr.count("portal.tasks.send_outbox() left to the sweep") == 4

    emails = OutboxMessage.objects.filter(channel="email")
    expected = Counter(
        [(inspector.email, "returns.submitted")] * 2
        + [(staff_a.email, "returns.accepted"), (staff_a.email, "returns.returned")]
    )
    assert Counter(emails.values_list("address", "code")) == expected
    assert not emails.exclude(sent_at=None).exists(), "nothing was sent while the broker was down"

    # The broker is back: beat runs the sender (twice, as two minutes would), the worker sends. The worker takes
    # tasks in order, so once the session sweep that follows is done, both senders are done.
    Session.objects.create(session_key="expired", session_data="", expire_date=timezone.now() - timedelta(days=1))
    for task in ("portal.tasks.send_outbox", "portal.tasks.send_outbox", "portal.tasks.clear_expired_sessions"):
        with transaction.atomic():
            enqueue(task)
    assert wait_for(lambda: not Session.objects.exists())

    assert not emails.filter(sent_at=None).exists()
    assert set(emails.values_list("attempts", "last_error")) == {(1, "")}
    mailed = mailed_files(mail_folder)
    assert Counter(message["To"] for message in mailed) == Counter({inspector.email: 2, staff_a.email: 2})
    assert len({message["Subject"] for message in mailed}) == 4
