"""The events subscribers are told of, heard through the signals of the apps below (which know nothing of
subscriptions): an alert opened for an enterprise (monitoring.signals.alert_opened), a regime declared over a city
(monitoring.regimes.signals.regime_declared) and a final verdict on an enterprise's source
(monitoring.regimes.signals.verdict_reached). Each runs in the event's transaction and stores one e-mail per
confirmed subscriber, once (the dedupe key names the event), so an event heard twice tells nobody twice.

The public hears only of what it may read: an alert or a verdict about a monitoring point or an emission source
that is not published is told to nobody here (the enterprise and its inspectors have their own messages)."""

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from monitoring.models import Alert
from monitoring.regimes import signals as regimes_signals
from monitoring.regimes.models import Regime, Verdict
from monitoring.signals import alert_opened
from monitoring.subscriptions.messages import ALERT_CODE, REGIME_CODE, VERDICT_CODE
from monitoring.subscriptions.models import Subscription, SubscriptionStatus
from monitoring.subscriptions.services import tell_subscribers


def _enterprise_page(enterprise_id: int) -> str:
    return reverse("releases:register-enterprise", args=[enterprise_id])


def _followed(enterprise_ids: set[int]) -> set[int]:
    """The enterprises among these that anyone follows, in one query: an evaluation or a verification may tell of
    hundreds of alerts or verdicts, mostly followed by nobody."""
    confirmed = Subscription.objects.filter(enterprise_id__in=enterprise_ids, status=SubscriptionStatus.CONFIRMED)
    return set(confirmed.values_list("enterprise_id", flat=True))


def on_alert_opened(sender: Any, *, alerts: Iterable[Alert], **kwargs: Any) -> None:
    alerts = list(alerts)
    followed = _followed({alert.enterprise_id for alert in alerts})
    for alert in alerts:
        shown = alert.point or alert.source
        if alert.enterprise_id not in followed:
            continue
        if shown is None or not shown.is_published:
            continue
        substance = alert.pollutant or alert.substance
        params = {
            "kind": alert.kind,
            "enterprise_id": alert.enterprise_id,
            "subject": shown.code,
            "substance": substance.code if substance else "",
        }
        tell_subscribers(
            key=f"alert:{alert.pk}",
            code=ALERT_CODE,
            params=params,
            link=_enterprise_page(alert.enterprise_id),
            subscriptions=Subscription.objects.filter(enterprise_id=alert.enterprise_id),
        )


def on_regime_declared(sender: Any, *, regime: Regime, **kwargs: Any) -> None:
    params = {
        "city_id": regime.city_id,
        "degree": regime.degree,
        "starts_at": regime.starts_at.isoformat(),
        "ends_at": regime.ends_at.isoformat(),
        "bulletin": regime.bulletin,
    }
    tell_subscribers(
        key=f"regime:{regime.pk}",
        code=REGIME_CODE,
        params=params,
        link=reverse("regimes:city", args=[regime.city.code]),
        subscriptions=Subscription.objects.filter(city_id=regime.city_id),
    )


def on_verdict_reached(sender: Any, *, verdicts: Iterable[Verdict], **kwargs: Any) -> None:
    verdicts = list(verdicts)
    followed = _followed({verdict.source.enterprise_id for verdict in verdicts})
    for verdict in verdicts:
        source = verdict.source
        if source.enterprise_id not in followed or not source.is_published:
            continue
        params = {
            "enterprise_id": source.enterprise_id,
            "status": verdict.status,
            "source": source.code,
            "substance": verdict.substance.code,
            "achieved_cut": verdict.achieved_cut,
            "required_cut": str(verdict.required_value),
            "during_count": verdict.during_count,
            "baseline_count": verdict.baseline_count,
        }
        tell_subscribers(
            key=f"verdict:{verdict.pk}",
            code=VERDICT_CODE,
            params=params,
            link=_enterprise_page(source.enterprise_id),
            subscriptions=Subscription.objects.filter(enterprise_id=source.enterprise_id),
        )


def connect() -> None:
    """Called from the app's ready()."""
    alert_opened.connect(on_alert_opened, dispatch_uid="subscriptions.alert")
    regimes_signals.regime_declared.connect(on_regime_declared, dispatch_uid="subscriptions.regime")
    regimes_signals.verdict_reached.connect(on_verdict_reached, dispatch_uid="subscriptions.verdict")
