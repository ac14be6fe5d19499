"""The settings and e-mail backend of a Celery worker the declaration test starts and kills: Django's file backend
(portal/tests/mail_settings.py: each e-mail a file in QALDYQ_TEST_MAIL_DIR), except that the e-mail to the address
in QALDYQ_TEST_HANG_ON hangs before it is written, after leaving a file named "hanging" there, so that the test
kills the worker in the middle of sending."""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend


class HangingBackend(EmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            if os.environ.get("QALDYQ_TEST_HANG_ON") in message.to:
                (Path(os.environ["QALDYQ_TEST_MAIL_DIR"]) / "hanging").touch()
                time.sleep(600)
        return super().send_messages(email_messages)
