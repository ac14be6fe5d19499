"""Helpers of the monitoring tests: result rows, times, and reading what a page embeds."""

import itertools
import json
import re
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from monitoring.models import MonitoringPoint

SUBMISSIONS = "/api/v1/monitoring/submissions/"
EXCEEDANCES = "/api/v1/monitoring/exceedances/"
ALERTS = "/api/v1/monitoring/alerts/"
POINTS = "/api/v1/monitoring/points/"

BALKHASH = {"latitude": Decimal("46.84000"), "longitude": Decimal("74.98000")}
# A recent moment, so that results fall into the six months of the persistence rule.
BASE_TIME = timezone.now().replace(microsecond=0) - timedelta(days=30)
_minutes = itertools.count()


def make_point(enterprise, code: str, medium: str, **fields) -> MonitoringPoint:
    return MonitoringPoint.objects.create(enterprise=enterprise, code=code, medium=medium, **BALKHASH, **fields)


def when(at: datetime | None = None, *, days: float = 0) -> str:
    """An ISO 8601 time with its zone; without `at`, a new minute on every call, so rows never collide."""
    moment = at if at is not None else BASE_TIME + timedelta(minutes=next(_minutes))
    return (moment + timedelta(days=days)).isoformat()


def row(point: str = "AIR-1", pollutant: str = "Cu", value: object = "0.001", unit: str = "mg/m3", **fields) -> dict:
    """A result row as the API, the form and a file take it; air points default to daily, others to single."""
    return {
        "point": point,
        "pollutant": pollutant,
        "sampled_at": fields.pop("sampled_at", None) or when(),
        "value": value,
        "unit": unit,
        "averaging": fields.pop("averaging", "daily" if point.startswith("AIR") else "single"),
        **fields,
    }


def json_script(html: str, element_id: str):
    """The value of a {{ value|json_script:"element_id" }} in a page."""
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no json_script #{element_id} in the page"
    return json.loads(match.group(1))


def error_pairs(errors: list[dict]) -> set[tuple[int, str]]:
    return {(error["row"], error["field"]) for error in errors}
