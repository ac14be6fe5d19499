"""The Celery app. Its configuration is the CELERY_* part of portal/settings.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("qaldyq")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
