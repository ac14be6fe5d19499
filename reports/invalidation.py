"""Which cached answers a recompute of the aggregates drops (`portal.cache_tags`): those of the regions whose rows
changed, in the year recomputed, and the national figures of that year.

A recompute of one year and region rewrites the figures of that region, which it bumps (it was marked because
something of it changed), and the coverage of every region of the year (`reports.aggregates.KINDS`: a table that
is not `by_region`), of which most rows come out as they were: those rows (one per region) are read before and
after, in the recompute's transaction, and only the other regions whose rows differ are bumped. Whether the year
has figures at all is read before and after too (`cache_tags.years`). A recompute of everything (the full
rebuild) is not narrowed: it bumps `ALL`.
"""

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from django.db.models import Model

from portal import cache_tags
from registry.models import Region

# (table name, region id) -> a table's rows of the region in the year, in one order, for the tables recomputed for
# the whole year; (table name, None) -> whether the year has rows of the table in any region, for the others.
Snapshot = dict[tuple[str, int | None], Any]


class Table(Protocol):
    """What this module reads of a `reports.aggregates.Aggregate`."""

    @property
    def name(self) -> str: ...
    @property
    def model(self) -> type[Model]: ...
    @property
    def by_region(self) -> bool: ...


def snapshot(tables: Sequence[Table], year: int | None, region_id: int | None) -> Snapshot | None:
    """The rows a recompute of `year` and `region_id` may rewrite; None for a recompute of everything."""
    if year is None or region_id is None:
        return None
    found: Snapshot = {}
    for table in tables:
        of_year = table.model._default_manager.filter(year=year)
        if table.by_region:
            found[(table.name, None)] = of_year.exists()
            continue
        names = [field.attname for field in table.model._meta.concrete_fields if not field.primary_key]
        for row in of_year.order_by(*names).values_list(*names):
            found.setdefault((table.name, row[names.index("region_id")]), []).append(row)
    return found


def recomputed(kind: str, tables: Sequence[Table], year: int | None, region_id: int | None, before: Any) -> None:
    """Bump the tags of what a recompute changed, `before` being the `snapshot` taken before it."""
    if before is None:
        cache_tags.bump(cache_tags.ALL)  # every year and region rewritten: not narrowed
        return
    after = snapshot(tables, year, region_id)
    assert after is not None and year is not None and region_id is not None
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    regions = {region_id, *(region for _table, region in changed if region is not None)}
    tags = [tag for region in _iso_codes(regions) for tag in cache_tags.figures_changed(kind, year, region)]
    if any(region is None for _table, region in changed):  # the year gained its first rows, or lost its last
        tags.append(cache_tags.years(kind))
    cache_tags.bump(*tags)


def repaired(periods: Iterable[tuple[str, Any, Any]]) -> None:
    """Bump the tags of the (kind, year, region id) whose rows the check against a rebuild repaired (rows added or
    removed may change which years have figures)."""
    periods = set(periods)
    regions = Region.objects.filter(pk__in={region for _kind, _year, region in periods})
    codes = dict(regions.values_list("pk", "iso_code"))
    tags = [cache_tags.years(kind) for kind, _year, _region in periods]
    for kind, year, region in periods:
        # A region deleted meanwhile has taken its rows with it, and its deletion bumped ALL.
        if region in codes:
            tags += cache_tags.figures_changed(kind, year, codes[region])
    cache_tags.bump(*tags)


def _iso_codes(region_ids: set[int]) -> list[str]:
    if not region_ids:
        return []
    return list(Region.objects.filter(pk__in=region_ids).values_list("iso_code", flat=True))
