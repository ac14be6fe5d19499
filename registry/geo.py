"""Is a point in Kazakhstan? A point-in-polygon test against the country outline.

The outline is Natural Earth's 1:50m admin-0 boundary (public domain), kept in
registry/static/registry/kazakhstan.geojson; the map draws the same file.
"""

import json
from functools import cache
from pathlib import Path

OUTLINE_PATH = Path(__file__).parent / "static" / "registry" / "kazakhstan.geojson"
# 1:50m boundaries are generalised by a few kilometres; accept points that close to the line
# so that sites on the Caspian shore or a border are not refused for the map's coarseness.
TOLERANCE_DEG = 0.03

Ring = list[tuple[float, float]]


@cache
def _rings() -> tuple[Ring, ...]:
    geometry = json.loads(OUTLINE_PATH.read_text())["features"][0]["geometry"]
    return tuple([(x, y) for x, y in polygon[0]] for polygon in geometry["coordinates"])


def _inside(lon: float, lat: float, ring: Ring) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _near(lon: float, lat: float, ring: Ring) -> bool:
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        dx, dy = x2 - x1, y2 - y1
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((lon - x1) * dx + (lat - y1) * dy) / length2))
        if (lon - x1 - t * dx) ** 2 + (lat - y1 - t * dy) ** 2 <= TOLERANCE_DEG**2:
            return True
    return False


def in_kazakhstan(*, latitude: float, longitude: float) -> bool:
    rings = _rings()
    return any(_inside(longitude, latitude, ring) for ring in rings) or any(
        _near(longitude, latitude, ring) for ring in rings
    )
