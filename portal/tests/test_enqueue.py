"""portal.tasks.enqueue: tasks named by their registered name, sent once the transaction commits, a broker error
logged and never raised."""

import logging
import os
import re
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from kombu.exceptions import OperationalError

from portal.tasks import enqueue, registered_task
from portal.tests.worker import ROOT, database_url_for_subprocess

pytestmark = pytest.mark.django_db

TASK_NAME = re.compile(r"""["']((?:\w+\.)+tasks\.\w+)["']""")


def test_every_task_named_in_the_code_is_registered():
    """Services name their tasks in strings, which no import checks: each must name a registered task."""
    names = {
        name
        for package in ("portal", "registry", "monitoring", "reports")
        for path in (ROOT / package).rglob("*.py")
        if "tests" not in path.relative_to(ROOT).parts
        for name in TASK_NAME.findall(path.read_text(encoding="utf-8"))
    }
    assert "monitoring.tasks.evaluate_submission" in names
    for name in sorted(names):
        assert registered_task(name).name == name


def test_the_task_runs_on_commit(django_capture_on_commit_callbacks):
    Session.objects.create(session_key="expired", session_data="", expire_date=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks() as callbacks:
        enqueue("portal.tasks.clear_expired_sessions")
    assert Session.objects.filter(session_key="expired").exists(), "nothing runs before the commit"

    callbacks[0]()  # the commit; tasks run in this process in the tests, as in the embedded default

    assert not Session.objects.exists()


def test_a_broker_error_is_logged_not_raised(django_capture_on_commit_callbacks, monkeypatch, caplog):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(registered_task("portal.tasks.clear_expired_sessions"), "apply_async", unreachable)
    with caplog.at_level(logging.WARNING, logger="portal.tasks"), django_capture_on_commit_callbacks(execute=True):
        enqueue("portal.tasks.clear_expired_sessions")

    assert "left to the sweep" in caplog.text


def test_an_unknown_task_name_is_an_error():
    with pytest.raises(KeyError):
        registered_task("portal.tasks.no_such_task")


def test_a_dead_broker_costs_a_request_about_a_second_not_six():
    """CELERY_BROKER_CONNECTION_TIMEOUT and no retries: a web process whose broker is down gives up on the first
    connection attempt (redis-py alone would retry for about 6 s)."""
    script = textwrap.dedent("""
        import django, time
        django.setup()
        from django.db import transaction
        from portal.tasks import enqueue, registered_task
        registered_task("portal.tasks.clear_expired_sessions")  # the tasks modules imported before timing
        started = time.monotonic()
        with transaction.atomic():
            enqueue("portal.tasks.clear_expired_sessions")
        print(time.monotonic() - started)
    """)
    env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(), "CELERY_BROKER_URL": "redis://127.0.0.1:9/0",
           "DJANGO_SETTINGS_MODULE": "portal.settings"}  # fmt: skip
    process = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert process.returncode == 0, process.stderr
    assert "left to the sweep" in process.stderr
    assert float(process.stdout.split()[-1]) < 2.5
