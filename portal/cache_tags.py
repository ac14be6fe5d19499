"""What a cached answer depends on, as tags, and the versions that make a write invalidate only what shows it.

Every tag has a version in the cache (`tag:<tag>`). An entry of the page cache or of the statistics cache
(`reports.cache`) stores the versions of the tags it depends on, read before its data; it is served only while all
of them are still the same (read with the entry itself, in one `get_many`). A write bumps the tags of what it
changes once its transaction commits (`bump`), which drops exactly the entries that show it: an answer rendered
while a write commits is stored under the older version, and so never served.

The vocabulary lives in `portal` so that each app's views can declare their dependencies next to them
(`portal.page_cache.cached_page(depends=...)`); what each write bumps is decided by the apps that write (the
signal handlers of `reports.signals`, the aggregates' recompute), the cache itself is in `reports`. A write whose
reach cannot be narrowed bumps `ALL`, on which every entry depends: a broad fallback, never a stale page.

A version is a random number rather than a counter: a bump is one write of all its tags (no read), and a version
lost to eviction is replaced by a new random one, which no stored entry holds.
"""

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.cache import cache
from django.db import transaction

Tag = str
Versions = tuple[tuple[Tag, int], ...]

# Every entry depends on it: what no narrower tag covers (a region renamed or split, a deploy's migrate, a full
# rebuild of the aggregates) bumps it.
ALL = "all"
NATIONAL = "KZ"  # the figures of any region: the republic's totals, and every list of regions
ANY_YEAR = "*"
ENTERPRISES = "enterprises"  # the list of enterprises (their deposit counts included)
POINTS = "points"  # the monitoring points (the point map: positions, names, operators)
POINT_STATES = "point-states"  # every point's ring on the map: whether a latest result exceeds an MPC
PUBLISHED = "published"  # the official published series and their values
YEAR_REFERENCE = "year-reference"  # the population and GDP of the years (the per-capita figures)
# A version outlives every entry stored under it (a day at most); when it expires, the next one is new.
VERSION_TIMEOUT = 30 * 24 * 3600


def figures(kind: str, year: int | None, region: str | None) -> Tag:
    """The statistics of a kind ("waste", "monitoring", "releases") of a year (None: of every year) in a region (its
    ISO code; None or "KZ": of every region, the republic's included)."""
    return f"{kind}:{ANY_YEAR if year is None else year}:{region or NATIONAL}"


def figures_changed(kind: str, year: int, region: str) -> list[Tag]:
    """What a change of the figures of a year in a region bumps: that year and region, that year's national figures,
    and the answers that show every year of the region or of the republic."""
    return [figures(kind, y, r) for y in (year, None) for r in (region, None)]


def years(kind: str) -> Tag:
    """Which years have figures of a kind (an enterprise's page lists the years that lack its return)."""
    return f"{kind}-years"


def enterprise(pk: int) -> Tag:
    """An enterprise's registry and statistics pages (its deposits included)."""
    return f"enterprise:{pk}"


def returns(enterprise_pk: int) -> Tag:
    """An enterprise's returns: its accepted yearly totals, and the years it was expected to file (having begun a
    return, or filed the year before) without an accepted one."""
    return f"returns:{enterprise_pk}"


def register(enterprise_pk: int) -> Tag:
    """An enterprise's public register of releases and transfers: its accepted reports, the thresholds that decide
    what of them is published, its verified permits' limits and its sources."""
    return f"register:{enterprise_pk}"


SOURCES = "sources"  # the public map of emission sources (published sources of verified permits)


def deposit(pk: int) -> Tag:
    """A deposit's page (its surveys, composition and operator included)."""
    return f"deposit:{pk}"


def deposits(region: str | None = None) -> Tag:
    """The deposits of a region (its page's map), or every list and map of deposits (None)."""
    return "deposits" if region is None else f"deposits:{region}"


def point(pk: int) -> Tag:
    """A monitoring point and its results (its popup's latest results)."""
    return f"point:{pk}"


def with_all(tags: Iterable[Tag]) -> tuple[Tag, ...]:
    """The tags an entry depends on, `ALL` included, in one order."""
    return tuple(sorted({ALL, *tags}))


def version_keys(tags: Iterable[Tag]) -> list[str]:
    return [f"tag:{tag}" for tag in tags]


def versions(tags: tuple[Tag, ...], found: Mapping[str, Any]) -> Versions:
    """The current versions of `tags`, from `found` (a `get_many` that read their `version_keys`); a version not
    there (never set, or evicted) is started now, or read from whoever started it first."""
    keys = version_keys(tags)
    missing = [key for key in keys if found.get(key) is None]
    if missing:
        for key in missing:
            cache.add(key, _new_version(), timeout=VERSION_TIMEOUT)
        found = {**found, **cache.get_many(missing)}
    # A key evicted again at once gets a version no entry holds: rendered, and not served again.
    return tuple((tag, found.get(key) or _new_version()) for tag, key in zip(tags, keys, strict=True))


def bump(*tags: Tag) -> None:
    """Give `tags` new versions once the current transaction commits (readers never see data older than the
    commit); at once outside a transaction."""
    keys = version_keys(set(tags))
    if keys:
        transaction.on_commit(lambda: cache.set_many({key: _new_version() for key in keys}, timeout=VERSION_TIMEOUT))


def _new_version() -> int:
    return secrets.randbits(63)
