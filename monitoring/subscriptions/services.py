"""Subscribing an address (double opt-in), confirming and ending a subscription, and telling the confirmed
subscribers of an event once each, all through portal's outbox (e-mails to bare addresses).

Nothing here tells the caller whether an address was already subscribed: `subscription_request` answers nothing,
whatever the state of the address, and the page and the API say the same each time.
"""

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.regimes.models import City
from monitoring.subscriptions import links
from monitoring.subscriptions.models import Subscription, SubscriptionStatus
from portal import outbox, values
from portal.throttling import RateLimit
from registry.models import Enterprise

# Subscribe requests per client address (pages and API together): SUBSCRIBE_RATE, e.g. "10/hour".
SUBSCRIBE = RateLimit("subscribe", "SUBSCRIBE_RATE")
# A pending address asking again gets a new confirmation e-mail only this long after the last one, so that a form
# submitted over and over cannot fill somebody's mailbox.
RESEND_AFTER = timedelta(hours=1)
CONFIRM_CODE = "subscriptions.confirm"
EMAIL_LENGTH = 254


def clean_address(raw: object) -> str:
    """The address as stored: stripped, in lower case; refused on `email` unless it is one (no control character,
    at most the column's length: portal.values)."""
    try:
        address = values.text(raw, max_length=EMAIL_LENGTH).strip()
        validate_email(address)
    except ValidationError as exc:
        raise ValidationError({"email": exc}) from exc
    return address.lower()


def check_one_target(*, city: City | None, enterprise: Enterprise | None) -> None:
    """A subscription follows one city or one enterprise: refused on both fields otherwise."""
    if (city is None) == (enterprise is None):
        code = "required" if city is None else "invalid"
        message = _("Choose one city or one enterprise to follow.")
        raise ValidationError({name: ValidationError(message, code) for name in ("city", "enterprise")})


def target_params(subscription: Subscription) -> dict[str, Any]:
    """What a message names its subscription's target by: ids, named when the message is written."""
    if subscription.city_id is not None:
        return {"city_id": subscription.city_id}
    return {"enterprise_id": subscription.enterprise_id}


def _address(subscription: Subscription) -> outbox.Address:
    """The outbox's recipient for a subscription: its own rows (dedupe keys end with it) in its language, and its
    id for the renderer's unsubscribe link."""
    return outbox.Address(
        ident=f"subscription:{subscription.pk}",
        email=subscription.email,
        language=subscription.language,
        params={"subscription": subscription.pk},
    )


@transaction.atomic
def subscription_request(
    *, email: str, enterprise: Enterprise | None = None, city: City | None = None, language: str
) -> None:
    """`email` asks to follow `enterprise` or `city`: a pending subscription, and an e-mail with the link that
    confirms it. Idempotent: a confirmed subscription stays as it is (and is not told so), a pending one is sent
    a new link only RESEND_AFTER the last, an ended one becomes pending again."""
    check_one_target(city=city, enterprise=enterprise)
    address = clean_address(email)
    target: dict[str, Any] = {"enterprise": enterprise} if enterprise is not None else {"city": city}
    # get_or_create: of two requests at once, the second finds the first's row (the unique constraints).
    found, _created = Subscription.objects.get_or_create(email=address, **target, defaults={"language": language})
    subscription = Subscription.objects.select_for_update().get(pk=found.pk)
    if subscription.status == SubscriptionStatus.CONFIRMED:
        return
    now = timezone.now()
    if subscription.status == SubscriptionStatus.UNSUBSCRIBED:
        subscription.status, subscription.unsubscribed_at = SubscriptionStatus.PENDING, None
        subscription.confirmation_sent_at = None
    subscription.language = language
    last = subscription.confirmation_sent_at
    if last is None or now - last >= RESEND_AFTER:
        subscription.confirmation_sent_at = now
        outbox.post_to_addresses(
            key=f"confirm:{now:%Y%m%dT%H%M%S.%f}",
            code=CONFIRM_CODE,
            params=target_params(subscription),
            link="",
            addresses=[_address(subscription)],
        )
    subscription.save()


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription | None:
    """The subscription the confirmation link `token` is for, confirmed (again: nothing changes); None when the
    link is not valid, too old, or its subscription has been ended since."""
    subscription = _locked(links.confirmed_id(token))
    if subscription is None or subscription.status == SubscriptionStatus.UNSUBSCRIBED:
        return None
    if subscription.status == SubscriptionStatus.PENDING:
        subscription.status, subscription.confirmed_at = SubscriptionStatus.CONFIRMED, timezone.now()
        subscription.save()
    return subscription


@transaction.atomic
def subscription_end(*, token: str) -> Subscription | None:
    """The subscription the unsubscribe link `token` is for, ended (again: nothing changes); None when the link is
    not valid."""
    subscription = _locked(links.unsubscribed_id(token))
    if subscription is not None:
        subscriptions_end(Subscription.objects.filter(pk=subscription.pk))
    return subscription


def subscriptions_end(subscriptions: QuerySet[Subscription]) -> int:
    """End these subscriptions (an unsubscribe link, or an administrator); those already ended stay as they were."""
    return subscriptions.exclude(status=SubscriptionStatus.UNSUBSCRIBED).update(
        status=SubscriptionStatus.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )


def _locked(pk: int | None) -> Subscription | None:
    if pk is None:
        return None
    return Subscription.objects.select_for_update().filter(pk=pk).first()


def tell_subscribers(
    *, key: str, code: str, params: Mapping[str, Any], link: str, subscriptions: QuerySet[Subscription]
) -> None:
    """One e-mail of `code` to each confirmed subscription among `subscriptions`, in the caller's transaction; once
    per `key` and subscription, however often the event's producer runs."""
    told: Iterable[Subscription] = subscriptions.filter(status=SubscriptionStatus.CONFIRMED).order_by("pk")
    outbox.post_to_addresses(key=key, code=code, params=params, link=link, addresses=[_address(s) for s in told])
