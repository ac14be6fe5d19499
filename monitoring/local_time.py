"""Local times of sampling.

A sampling time typed without an offset (the manual form) is the local time of its point: the time zone of the
region of the point's enterprise (registry `Region.time_zone`, an IANA zone), with the offset that zone had on that
date. Until 1 March 2024 Kazakhstan kept two times (UTC+6 in the east, centre and south, UTC+5 in the west), one
(UTC+5) since; the IANA database holds that history. Files and the API still need an explicit offset
(`time_zone_required`): a program states what it means.

The local *date* of a result (`Result.sampled_on`, which decides the norm that applies) and the days of windows and
months of partitions are counted in the portal's zone, `portal_zone()` (docs/architecture.md, "Monitoring").
"""

import datetime
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet

from monitoring.models import MonitoringPoint
from registry.models import Enterprise


def portal_zone() -> zoneinfo.ZoneInfo:
    """The portal's zone (settings.TIME_ZONE), in which a result's local date is counted."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def point_zones(enterprises: QuerySet[Enterprise]) -> dict[str, zoneinfo.ZoneInfo]:
    """The local zone of each point of `enterprises`, by point code (codes are unique within an enterprise, and a
    form files for one)."""
    rows = MonitoringPoint.objects.filter(enterprise__in=enterprises).values_list(
        "code", "enterprise__region__time_zone"
    )
    return {code: zoneinfo.ZoneInfo(zone) for code, zone in rows}


def only_zone(zones: Iterable[zoneinfo.ZoneInfo]) -> zoneinfo.ZoneInfo | None:
    """The zone all of `zones` share, None when they differ (or there are none)."""
    keys = {zone.key for zone in zones}
    return zoneinfo.ZoneInfo(keys.pop()) if len(keys) == 1 else None


def utc_offset(moment: datetime.datetime) -> str:
    """'UTC+5' (minutes only where a zone has them: 'UTC+5:30')."""
    offset = moment.utcoffset() or datetime.timedelta()
    sign = "-" if offset < datetime.timedelta() else "+"
    hours, seconds = divmod(abs(int(offset.total_seconds())), 3600)
    return f"UTC{sign}{hours}" + (f":{seconds // 60:02}" if seconds // 60 else "")


def in_zone(moment: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime | None:
    """The naive local `moment` in `zone`, None when that local time is ambiguous or skipped there (the hour
    repeated when a zone moved back, as Asia/Almaty at midnight on 1 March 2024): then only an offset says which."""
    first, second = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        return None
    return first
