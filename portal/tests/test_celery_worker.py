from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from portal.tasks import clear_expired_sessions
from portal.tests.worker import wait_for


def test_beat_housekeeping_task_runs_on_a_real_worker(celery_worker):
    Session.objects.create(session_key="expired", session_data="", expire_date=timezone.now() - timedelta(days=1))
    Session.objects.create(session_key="current", session_data="", expire_date=timezone.now() + timedelta(days=1))

    clear_expired_sessions.delay()

    assert wait_for(lambda: not Session.objects.filter(session_key="expired").exists())
    assert Session.objects.filter(session_key="current").exists()
