"""API tokens (django-rest-knox): issued, listed and revoked here; all of a user's revoked when their password changes.

knox keeps a token as the SHA-512 digest of its key with the key's first characters for lookup, an expiry
(`API_TOKEN_TTL_DAYS` from issue, `REST_KNOX` in the settings) and its user; the key itself is shown once, when
issued. A token is named by the first `ID_LENGTH` characters of its digest, which say nothing about the key.

Tokens are credentials, not regulator data: they are not in the change history. Issuing and revoking are logged
here (logger `portal.tokens`), and django-axes records the login that issued a token (its access log).
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import ngettext
from knox.models import AuthToken

from portal.models import User

logger = logging.getLogger(__name__)

ID_LENGTH = 16  # hexadecimal characters of the digest: 64 bits, unique among any number of tokens a portal holds


def token_id(token: AuthToken) -> str:
    return token.digest[:ID_LENGTH]


def live(tokens: QuerySet[AuthToken]) -> QuerySet[AuthToken]:
    """The tokens that still authenticate (an expired one is refused, and deleted by knox when next presented)."""
    return tokens.filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))


def token_issue(*, user: User, address: str) -> tuple[AuthToken, str]:
    """A new token for `user`, whose credentials the caller has checked: the row and the key (shown only now).
    Refused while the user holds `API_TOKEN_LIMIT_PER_USER` live tokens, so that one account cannot grow the table
    (and every authentication, which reads the user's tokens) without bound."""
    if live(AuthToken.objects.filter(user=user)).count() >= settings.API_TOKEN_LIMIT_PER_USER:
        limit = settings.API_TOKEN_LIMIT_PER_USER
        message = ngettext(
            "You already hold %(limit)d API token. Revoke it (DELETE /api/v1/auth/tokens/<id>/) or wait until it "
            "expires.",
            "You already hold %(limit)d API tokens. Revoke one you no longer use (DELETE /api/v1/auth/tokens/<id>/) "
            "or wait until one expires.",
            limit,
        )
        raise PermissionDenied(message % {"limit": limit})
    token, key = AuthToken.objects.create(user=user)
    logger.info("API token %s issued to %s from %s, expires %s", token_id(token), user.username, address, token.expiry)
    return token, key


def tokens_revoke(*, tokens: QuerySet[AuthToken], reason: str) -> int:
    """Delete `tokens` (already narrowed to those the caller may revoke); how many there were."""
    revoked = list(tokens.select_related("user"))
    AuthToken.objects.filter(digest__in=[token.digest for token in revoked]).delete()
    for token in revoked:
        logger.info("API token %s of %s revoked: %s", token_id(token), token.user.username, reason)
    return len(revoked)


@receiver(pre_save, sender=User)
def _note_password_change(sender: type[User], instance: User, update_fields: Any = None, **kwargs: Any) -> None:
    """Whether this save changes the stored password: from any path (a form, the admin, `changepassword`, a
    direct assignment), since each ends in a save of the new hash."""
    instance._password_changed = False  # type: ignore[attr-defined]
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    # Django upgrading the hash of the same password at login (a new hasher or more iterations) saves only the
    # password with the raw password forgotten (`_password`, which set_password fills): that is no change.
    if (
        update_fields is not None
        and set(update_fields) == {"password"}
        and getattr(instance, "_password", None) is None
    ):
        return
    stored = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._password_changed = stored is not None and stored != instance.password  # type: ignore[attr-defined]


@receiver(post_save, sender=User)
def _revoke_tokens_on_password_change(sender: type[User], instance: User, **kwargs: Any) -> None:
    """A changed password ends every API token of the user, in the transaction that stores it. (Sessions are
    Django's: they end with the password's hash, except the one that changed it.)"""
    if getattr(instance, "_password_changed", False):
        tokens_revoke(tokens=AuthToken.objects.filter(user=instance), reason="the password changed")
