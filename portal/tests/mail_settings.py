"""The settings of a Celery worker a test starts (DJANGO_SETTINGS_MODULE=portal.tests.mail_settings): the portal's,
with each e-mail written to a file in the folder QALDYQ_TEST_MAIL_DIR names, so that the test reads what the worker
sent (Django's test outbox lives in one process only)."""

import os

from portal.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["QALDYQ_TEST_MAIL_DIR"]
