"""The events subscribers hear of, made as the apps below make them: an alert told through monitoring's one
notification step, a regime declared by an inspector, a final verdict sent by the verification. Each runs in a
transaction whose commit sends the outbox (the sender runs in-process)."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from django.test import TestCase
from django.utils import timezone

from monitoring.models import Alert, AlertKind, Pollutant
from monitoring.regimes import services as regimes_services
from monitoring.regimes.models import City, Regime, RequiredCut, Verdict, VerdictStatus
from monitoring.regimes.signals import verdict_reached
from monitoring.services.alerts import notify_once
from monitoring.tests.helpers import make_point
from portal.models import User
from registry.models import Enterprise
from registry.permits.tests.factories import EmissionSourceFactory, SubstanceFactory

T = TypeVar("T")


def _on_commit(work: Callable[[], T]) -> T:
    """`work`, then what it left for the commit (the outbox's sender), as a commit would run it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return work()


def alert_of_a(enterprise: Enterprise, *, code: str = "AIR-1", published: bool = True) -> Alert:
    """An exceedance opened at a point of `enterprise`, told through monitoring.services.alerts.notify_once."""
    copper, _ = Pollutant.objects.get_or_create(code="Cu", defaults={"name_en": "Copper"})
    point = make_point(enterprise, code, "air", is_published=published)
    alert = Alert.objects.create(enterprise=enterprise, point=point, pollutant=copper, kind=AlertKind.EXCEEDANCE)
    tell_again(alert)
    return alert


def tell_again(alert: Alert) -> None:
    """The notification step run (again) for `alert`, as a second evaluation extending it runs it."""
    _on_commit(lambda: notify_once(Alert.objects.filter(pk=alert.pk)))


def declare(city: City, inspector: User) -> Regime:
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=1)
    fields = {"degree": 2, "starts_at": start, "ends_at": start + datetime.timedelta(days=2), "bulletin": "No. 7"}
    return _on_commit(lambda: regimes_services.regime_declare(actor=inspector, city=city, fields=fields))


def final_verdict(regime: Regime, enterprise: Enterprise, *, published: bool = True) -> Verdict:
    required = RequiredCut.objects.create(
        degree=regime.degree, cut=Decimal("0.2"), valid_from=datetime.date(2020, 1, 1)
    )
    verdict = Verdict.objects.create(
        regime=regime, source=EmissionSourceFactory.create(enterprise=enterprise, code="0001", is_published=published),
        substance=SubstanceFactory.create(code="SOx"), during_mean_gs=8.0, during_count=72, baseline_mean_gs=10.0,
        baseline_count=168, achieved_cut=0.2, required_cut=required, required_value=Decimal("0.2"),
        status=VerdictStatus.PASSED, final=True, computed_at=timezone.now(),
    )  # fmt: skip
    send_verdict(verdict)
    return verdict


def send_verdict(verdict: Verdict) -> None:
    _on_commit(lambda: verdict_reached.send(sender=Verdict, verdicts=[verdict]))
