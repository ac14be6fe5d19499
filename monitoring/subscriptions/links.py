"""The signed links a subscriber is e-mailed: one that confirms a subscription (valid CONFIRM_DAYS) and one that
ends it (valid as long as the subscription: every message carries it). Signed with the site's key and a salt of
their own, so that neither link can be made from the other or from a subscription's number."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_DAYS = 7
_CONFIRM = "subscriptions.confirm"
_UNSUBSCRIBE = "subscriptions.unsubscribe"


def confirm_url(subscription_id: int) -> str:
    token = signing.dumps(subscription_id, salt=_CONFIRM)
    return settings.SITE_URL + reverse("subscriptions:confirm", args=[token])


def unsubscribe_url(subscription_id: int) -> str:
    token = signing.dumps(subscription_id, salt=_UNSUBSCRIBE)
    return settings.SITE_URL + reverse("subscriptions:unsubscribe", args=[token])


def confirmed_id(token: str) -> int | None:
    """The subscription a confirmation link is for; None when the link was not made here or is too old."""
    return _read(token, _CONFIRM, max_age=CONFIRM_DAYS * 86400)


def unsubscribed_id(token: str) -> int | None:
    return _read(token, _UNSUBSCRIBE, max_age=None)


def _read(token: str, salt: str, *, max_age: int | None) -> int | None:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired included
        return None
    return value if isinstance(value, int) else None
