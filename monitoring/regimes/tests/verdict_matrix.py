"""What the permission matrix (portal/tests/permission_matrix) requests of the verdicts: a past regime over a city
around A's sources, verified on their continuous data: a verdict of A's published source SRC-A (everyone reads it)
and of its unpublished one (A's staff, R1's inspectors, administrators). After the emissions' build: SRC-A's
channel and its value of 10:00 on 15 January 2025, the regime's one hour."""

import datetime
from typing import Any

from monitoring.emissions import services
from monitoring.emissions.models import Channel
from monitoring.emissions.tests.matrix import HOUR
from monitoring.regimes.models import City, Regime
from monitoring.regimes.tests.factories import CityFactory
from monitoring.regimes.verification import regime_verify
from portal.models import User
from registry.models import Enterprise
from registry.permits.models import EmissionSource, Substance
from registry.permits.tests.matrix import HIDDEN_SOURCE

DAY = datetime.timedelta(days=1)


def _value(source: str, start: datetime.datetime, value: str) -> dict[str, Any]:
    return {"source": source, "substance": "SOx", "interval_start": start.isoformat(), "value": value, "unit": "g/s"}


def build(users: dict[str, User], enterprises: dict[str, Enterprise]) -> dict[str, Any]:
    """Both verdicts pass (3 g/s the week before, 1.5 g/s during): no alert joins the world's."""
    a = enterprises["A"]
    hidden = EmissionSource.objects.get(enterprise=a, code=HIDDEN_SOURCE)
    Channel.objects.create(source=hidden, substance=Substance.objects.get(code="SOx"), interval_minutes=60, since=HOUR)
    week = [HOUR - days * DAY for days in range(1, 8)]
    rows = [_value(code, moment, "3") for code in ("SRC-A", HIDDEN_SOURCE) for moment in week]
    services.submission_create(actor=users["staff_a"], enterprise=a, rows=[*rows, _value(HIDDEN_SOURCE, HOUR, "1.5")])
    city: City = CityFactory.create(region=a.region, code="qala-v1", name="Qalaly V1", name_en="Qalaly V1")
    regime = Regime.objects.create(
        city=city, degree=2, starts_at=HOUR, ends_at=HOUR + datetime.timedelta(hours=1), bulletin="Kazhydromet V1-1",
        declared_by=users["administrator"],
    )  # fmt: skip
    verdicts = {verdict.source.code: verdict for verdict in regime_verify(regime_id=regime.pk)}
    return {"verdict_regime": regime, "verdict_a": verdicts["SRC-A"], "verdict_a_hidden": verdicts[HIDDEN_SOURCE]}
