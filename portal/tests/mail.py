"""An e-mail backend whose server refuses one address, for the tests of the outbox and its producers."""

import smtplib
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path

from django.core.mail.backends.locmem import EmailBackend

REFUSED = "refused@example.kz"
REFUSING_BACKEND = "portal.tests.mail.RefusingBackend"


class RefusingBackend(EmailBackend):
    """Delivers to mail.outbox as Django's test backend does, but the server refuses REFUSED."""

    def send_messages(self, messages):
        for message in messages:
            if REFUSED in message.to:
                raise smtplib.SMTPRecipientsRefused({REFUSED: (550, b"5.1.1 No such user")})
        return super().send_messages(messages)


def mailed_files(folder: Path) -> list[EmailMessage]:
    """The e-mails Django's file backend wrote into `folder` (each file holds those of one connection)."""
    separator = "\n" + "-" * 79 + "\n"
    return [
        message_from_string(text, policy=policy.default)
        for path in sorted(folder.glob("*.log"))
        for text in path.read_text(encoding="utf-8").split(separator)
        if text.strip()
    ]
