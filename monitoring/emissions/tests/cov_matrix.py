"""What the permission matrix (portal/tests/permission_matrix) requests of channels and coverage: the SOx channels
of A's published source SRC-A and of its unpublished one (made by the emissions' and the verdicts' builds, or here
if they do not), and the bodies of the channels' writes."""

import datetime
from typing import Any

from monitoring.emissions.models import Channel
from registry.models import Enterprise
from registry.permits.models import EmissionSource, Substance
from registry.permits.tests.matrix import HIDDEN_SOURCE

SINCE = datetime.datetime(2025, 1, 15, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=5)))


def build(enterprises: dict[str, Enterprise]) -> dict[str, Any]:
    """After the permits' build (SRC-A, its hidden twin and the substances SOx and NOx)."""
    sox = Substance.objects.get(code="SOx")
    found = {}
    for key, code in (("ch_a", "SRC-A"), ("ch_a_hidden", HIDDEN_SOURCE)):
        source = EmissionSource.objects.get(enterprise=enterprises["A"], code=code)
        found[key], _ = Channel.objects.get_or_create(
            source=source, substance=sox, defaults={"interval_minutes": 60, "since": SINCE}
        )
    return found


def channel_of_a(world: Any) -> dict[str, Any]:
    return {"source": world.keys["src_a"], "substance": "NOx", "interval_minutes": 20, "since": SINCE.isoformat()}


def channel_fields(world: Any) -> dict[str, Any]:
    return {"interval_minutes": 60, "since": SINCE.isoformat(), "silent_after_minutes": 180, "is_active": True}


def channel_form(world: Any) -> dict[str, Any]:
    nox = Substance.objects.get(code="NOx")
    return {"substance": nox.pk, "interval_minutes": 20, "since": "2025-01-15T10:00", "is_active": "on"}


def channel_edit_form(world: Any) -> dict[str, Any]:
    return {"interval_minutes": 60, "since": "2025-01-15T10:00", "silent_after_minutes": "180", "is_active": "on"}
