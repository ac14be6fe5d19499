"""The outbox: every message to a person (e-mail, and on the site) is a row of `OutboxMessage`, stored in the
transaction of the event it tells of and sent by `send_due` (the `portal.tasks.send_outbox` task: enqueued when
rows are stored, and run every minute by beat, so nothing is lost while the broker is down).

A row holds a code and parameters, not text: the app that owns the event registers a renderer for each of its
codes (`renderer`, from its AppConfig.ready), so portal never imports the apps above it.

Most messages go to users (`post`); an e-mail may also go to a bare address with no account behind it
(`post_to_addresses`: a public subscriber), written in the language it asked for, and carrying the link that
stops such messages in its text and in its List-Unsubscribe headers (`Rendered.unsubscribe`).
"""

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import Channel, OutboxMessage, OutboxQuerySet, User
from portal.permissions import AnyUser
from portal.tasks import enqueue

logger = logging.getLogger(__name__)
SEND_TASK = "portal.tasks.send_outbox"


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str = ""
    # An absolute URL that stops these messages with one GET or POST and no login (RFC 8058): added to the text
    # and to the List-Unsubscribe headers when the e-mail is sent.
    unsubscribe: str = ""


@dataclass(frozen=True)
class Address:
    """A recipient with no account: the e-mail address, the language its messages are written in, what names it
    in the dedupe key (a subscription: "subscription:12"), and the parameters its message alone has (whom the
    renderer's unsubscribe link is for)."""

    ident: str
    email: str
    language: str
    params: Mapping[str, Any] = field(default_factory=dict)


Renderer = Callable[[Mapping[str, Any]], Rendered]
_RENDERERS: dict[str, Renderer] = {}


def renderer(code: str) -> Callable[[Renderer], Renderer]:
    """Register the function that writes messages of `code` from their parameters (in the active language)."""

    def register(function: Renderer) -> Renderer:
        _RENDERERS[code] = function
        return function

    return register


def render(message: OutboxMessage, language: str | None = None) -> Rendered:
    """The message in `language`, or in the active language (a page shown to its reader)."""
    with translation.override(language or translation.get_language()):
        return _RENDERERS[message.code](message.params)


def language_of(message: OutboxMessage) -> str:
    """The language `message` is written in: the one its reader chose when it has one (a subscriber's), else the
    recipient's. Users keep no language preference yet, so their e-mails are written in the portal's language
    (settings.LANGUAGE_CODE); this is the one place to change when they do."""
    return message.language or settings.LANGUAGE_CODE


def post(
    *,
    key: str,
    code: str,
    params: Mapping[str, Any],
    link: str,
    recipients: Iterable[User],
    channels: Sequence[str] = (Channel.EMAIL,),
) -> None:
    """Store one message per recipient and channel in the caller's transaction, and send on commit.

    `key` names the logical message (the recipient's id is added), so a producer run again stores nothing new.
    A recipient without an e-mail address gets no e-mail (there is nothing to send it to)."""
    now = timezone.now()
    rows = [
        OutboxMessage(
            recipient=user,
            address=user.email if channel == Channel.EMAIL else "",
            channel=channel,
            code=code,
            params=dict(params),
            link=link,
            dedupe_key=f"{key}:{user.pk}",
            created_at=now,
            # On the site a message is delivered by being stored; only e-mails wait for the sender.
            sent_at=now if channel == Channel.IN_APP else None,
            next_attempt_at=now if channel == Channel.EMAIL else None,
        )
        for user in recipients
        for channel in channels
        if channel == Channel.IN_APP or user.email
    ]
    _store(rows)


def post_to_addresses(
    *, key: str, code: str, params: Mapping[str, Any], link: str, addresses: Iterable[Address]
) -> None:
    """Store one e-mail per address in the caller's transaction, and send on commit; as `post`, once per logical
    message (`key` with the address's ident), however often the producer runs."""
    now = timezone.now()
    rows = [
        OutboxMessage(
            recipient=None,
            address=address.email,
            language=address.language,
            channel=Channel.EMAIL,
            code=code,
            params={**params, **address.params},
            link=link,
            dedupe_key=f"{key}:{address.ident}",
            created_at=now,
            next_attempt_at=now,
        )
        for address in addresses
    ]
    _store(rows)


def _store(rows: list[OutboxMessage]) -> None:
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    if any(row.channel == Channel.EMAIL for row in rows):
        enqueue(SEND_TASK)


def unread(user: AnyUser) -> OutboxQuerySet:
    """The messages on the site `user` has not opened yet, newest first (none for the public)."""
    if not user.is_authenticated:
        return OutboxMessage.objects.none()
    return OutboxMessage.objects.filter(recipient=user, channel=Channel.IN_APP, read_at=None)


def mark_read(*, user: AnyUser, key: str) -> None:
    """`user` has seen what the logical message `key` (as given to `post`) tells of."""
    unread(user).filter(dedupe_key=f"{key}:{user.pk}").update(read_at=timezone.now())


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: doubling from OUTBOX_RETRY_SECONDS, at most
    OUTBOX_RETRY_MAX_SECONDS."""
    seconds = settings.OUTBOX_RETRY_SECONDS * 2 ** min(attempts - 1, 30)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def _due(now: datetime) -> OutboxQuerySet:
    """E-mails to send now: not sent, their time come, and claimed by no sender (or by one that died: a claim
    older than OUTBOX_CLAIM_SECONDS is taken over; its attempt was counted)."""
    stale = now - timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)
    # A dead sender's claim is taken over only while attempts remain; an unclaimed row (never tried, failed with its
    # next attempt set, or retried by an administrator) is due whenever its time has come.
    return OutboxMessage.objects.filter(sent_at=None, next_attempt_at__lte=now).filter(
        Q(claimed_at=None) | Q(claimed_at__lt=stale, attempts__lt=settings.OUTBOX_MAX_ATTEMPTS)
    )


def _claim(pk: int) -> bool:
    """Claim one row with a conditional UPDATE: of two senders that found it due, exactly one succeeds (the
    database re-checks the condition for the second once the first's update commits)."""
    now = timezone.now()
    return bool(_due(now).filter(pk=pk).update(claimed_at=now, attempts=F("attempts") + 1))


def send_due(*, limit: int = 500) -> int:
    """Send the e-mails that are due, each claimed first; returns how many went out. One failing address
    records its error on its own row (and its next attempt, with backoff) and the others still go out."""
    now = timezone.now()
    # A sender that died mid-send left its claim; once that claim is stale and no attempt is left, the row fails
    # (it is never claimed again, so it cannot be sent for ever).
    OutboxMessage.objects.filter(
        sent_at=None,
        attempts__gte=settings.OUTBOX_MAX_ATTEMPTS,
        claimed_at__lt=now - timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS),
    ).exclude(next_attempt_at=None).update(next_attempt_at=None, last_error="The sender stopped while sending.")
    ids = list(_due(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    connection = get_connection()
    sent = 0
    try:
        for pk in ids:
            if not _claim(pk):
                continue
            message = OutboxMessage.objects.get(pk=pk)
            try:
                _send(message, connection)
            except Exception as exc:  # an SMTP refusal, a lost connection, a renderer's bug: recorded on the row
                _failed(message, exc, connection)
            else:
                # Only under this sender's own claim: a sender whose claim went stale must not overwrite another's.
                OutboxMessage.objects.filter(pk=pk, claimed_at=message.claimed_at).update(
                    sent_at=timezone.now(), last_error=""
                )
                sent += 1
    finally:
        connection.close()
    return sent


def _send(message: OutboxMessage, connection: BaseEmailBackend) -> None:
    language = language_of(message)
    rendered = render(message, language)
    link = settings.SITE_URL + message.link if message.link else ""
    parts = [rendered.subject, rendered.body, link]
    headers = {}
    if rendered.unsubscribe:
        with translation.override(language):
            parts.append(_("To stop these messages: %(link)s") % {"link": rendered.unsubscribe})
        # One click in the mail program unsubscribes (RFC 8058): it POSTs "List-Unsubscribe=One-Click" to the link.
        headers = {
            "List-Unsubscribe": f"<{rendered.unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    body = "\n\n".join(part for part in parts if part)
    email = EmailMessage(
        rendered.subject, body, settings.DEFAULT_FROM_EMAIL, [message.address], connection=connection, headers=headers
    )
    email.send()


def _failed(message: OutboxMessage, error: Exception, connection: BaseEmailBackend) -> None:
    attempts = message.attempts
    retry_at = timezone.now() + backoff(attempts) if attempts < settings.OUTBOX_MAX_ATTEMPTS else None
    logger.warning("outbox message %s to %s failed (attempt %s): %s", message.pk, message.address, attempts, error)
    OutboxMessage.objects.filter(pk=message.pk, claimed_at=message.claimed_at).update(
        claimed_at=None, last_error=f"{type(error).__name__}: {error}"[:2000], next_attempt_at=retry_at
    )
    # The connection may be broken: the next message opens a new one.
    try:
        connection.close()
    except Exception:  # closing a broken connection may fail again; the next send reopens it
        logger.debug("closing the mail connection failed", exc_info=True)


def retry(messages: OutboxQuerySet) -> int:
    """An administrator's retry of failed e-mails: one more attempt each, now."""
    count = messages.failed().filter(channel=Channel.EMAIL).update(next_attempt_at=timezone.now(), claimed_at=None)
    if count:
        enqueue(SEND_TASK)
    return count
