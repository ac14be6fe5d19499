"""DJANGO_SETTINGS_MODULE of the worker of test_declare_worker.py (see mail.py)."""

from portal.tests.mail_settings import *  # noqa: F403

EMAIL_BACKEND = "monitoring.regimes.tests.mail.HangingBackend"
