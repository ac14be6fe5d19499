"""What the permission matrix (portal/tests/permission_matrix) requests of the public subscriptions: a pending
subscription to A (its confirmation link) and a confirmed one (its unsubscribe link: a GET ends it, so the
browser's visit of every role lands on the same page); and the bodies of the subscribe requests."""

from typing import Any

from django.utils import timezone

from monitoring.subscriptions import links
from monitoring.subscriptions.models import Subscription, SubscriptionStatus
from registry.models import Enterprise


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def build(enterprises: dict[str, Enterprise]) -> dict[str, Any]:
    a = enterprises["A"]
    pending = Subscription.objects.create(email="pending@example.kz", enterprise=a, language="en")
    confirmed = Subscription.objects.create(
        email="reader@example.kz", enterprise=a, language="en",
        status=SubscriptionStatus.CONFIRMED, confirmed_at=timezone.now(),
    )  # fmt: skip
    return {
        "sub_confirm": _token(links.confirm_url(pending.pk)),
        "sub_unsubscribe": _token(links.unsubscribe_url(confirmed.pk)),
    }


def subscribe_page(world: Any) -> dict[str, Any]:
    return {"email": "new@example.kz", "enterprise": world.keys["A_pk"]}


def subscribe_api(world: Any) -> dict[str, Any]:
    return {"email": "new@example.kz", "enterprise": world.keys["A"]}
