"""What the permission matrix (portal/tests/permission_matrix) requests of continuous emission data: a channel on A's
published source SRC-A (SOx, hourly), a submission of A with one value, and the bodies of its writes."""

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from monitoring.emissions import services
from monitoring.emissions.models import Channel
from portal.models import User
from registry.models import Enterprise
from registry.permits.models import EmissionSource, Substance

HOUR = datetime.datetime(2025, 1, 15, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=5)))


def _value(hours: int) -> dict[str, Any]:
    start = HOUR + datetime.timedelta(hours=hours)
    return {"source": "SRC-A", "substance": "SOx", "interval_start": start.isoformat(), "value": "1.5", "unit": "g/s"}


def build(users: dict[str, User], enterprises: dict[str, Enterprise]) -> dict[str, Any]:
    """After the permits' build (it makes SRC-A and the substance SOx)."""
    source = EmissionSource.objects.get(enterprise=enterprises["A"], code="SRC-A")
    substance = Substance.objects.get(code="SOx")
    Channel.objects.create(source=source, substance=substance, interval_minutes=60, since=HOUR)
    submission = services.submission_create(actor=users["staff_a"], enterprise=enterprises["A"], rows=[_value(0)])
    return {"em_sub_a": submission}


def values_of_a(world: Any) -> dict[str, Any]:
    return {"enterprise": world.keys["A"], "values": [_value(1), _value(2)]}


def file_of_a(world: Any) -> dict[str, Any]:
    line = ",".join(_value(3).values())
    content = f"source,substance,interval_start,value,unit\n{line}\n".encode()
    return {"enterprise": world.keys["A"], "file": SimpleUploadedFile("values.csv", content, content_type="text/csv")}
