"""Is a point in Kazakhstan? A point-in-polygon test against the country outline.

The outline is Natural Earth's 1:50m admin-0 boundary (public domain), kept in
registry/static/registry/kazakhstan.geojson; the map draws the same file.
"""

import json
from functools import cache, cached_property
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


def _near(lon: float, lat: float, ring: Ring, tolerance: float = TOLERANCE_DEG) -> bool:
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        dx, dy = x2 - x1, y2 - y1
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((lon - x1) * dx + (lat - y1) * dy) / length2))
        if (lon - x1 - t * dx) ** 2 + (lat - y1 - t * dy) ** 2 <= tolerance**2:
            return True
    return False


def in_kazakhstan(*, latitude: float, longitude: float) -> bool:
    rings = _rings()
    return any(_inside(longitude, latitude, ring) for ring in rings) or any(
        _near(longitude, latitude, ring) for ring in rings
    )


# Region outlines, for applying a split (registry.region_history): none ships today, so a split lists the parent's
# enterprises for an administrator unless an outline is given (`manage.py split_region --outline`, the admin) or
# registry/data/outlines/<ISO code>.geojson exists.

OUTLINES_DIR = Path(__file__).parent / "data" / "outlines"


class Outline:
    """A GeoJSON Polygon or MultiPolygon (or a Feature or FeatureCollection of them), holes included."""

    def __init__(self, geojson: dict) -> None:
        self.polygons: list[list[Ring]] = []
        self._add(geojson)
        if not self.polygons:
            raise ValueError("The outline holds no polygon.")

    def _add(self, item: dict) -> None:
        kind = item.get("type") if isinstance(item, dict) else None
        if kind == "FeatureCollection":
            for feature in item.get("features") or []:
                self._add(feature)
        elif kind == "Feature":
            self._add(item.get("geometry") or {})
        elif kind in ("Polygon", "MultiPolygon"):
            polygons = item["coordinates"] if kind == "MultiPolygon" else [item["coordinates"]]
            for polygon in polygons:
                self.polygons.append([[(float(x), float(y)) for x, y, *_ in ring] for ring in polygon])
        else:
            raise ValueError(f"Not a polygon outline: {kind!r}.")

    @classmethod
    def from_text(cls, text: str) -> "Outline":
        try:
            return cls(json.loads(text))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"Not a GeoJSON outline: {exc}") from exc

    def contains(self, *, latitude: float, longitude: float) -> bool:
        return any(
            _inside(longitude, latitude, outer) and not any(_inside(longitude, latitude, hole) for hole in holes)
            for outer, *holes in self.polygons
        )

    def near(self, *, latitude: float, longitude: float, tolerance: float = TOLERANCE_DEG) -> bool:
        """Inside, or within `tolerance` degrees of the outline's edge."""
        west, south, east, north = self.bounds
        if not (west - tolerance <= longitude <= east + tolerance) or not (
            south - tolerance <= latitude <= north + tolerance
        ):
            return False
        return self.contains(latitude=latitude, longitude=longitude) or any(
            _near(longitude, latitude, ring, tolerance) for polygon in self.polygons for ring in polygon
        )

    @cached_property
    def bounds(self) -> tuple[float, float, float, float]:
        points = [point for polygon in self.polygons for point in polygon[0]]
        return (
            min(x for x, _ in points),
            min(y for _, y in points),
            max(x for x, _ in points),
            max(y for _, y in points),
        )


def region_outline(iso_code: str) -> Outline | None:
    path = OUTLINES_DIR / f"{iso_code}.geojson"
    return Outline.from_text(path.read_text(encoding="utf-8")) if path.exists() else None
