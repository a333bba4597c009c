"""What an SVG map shows: the vendored base geography and the places, in one frame's units.

The view decides which places and which box; this module turns them into path data and positions
that the template writes out (``projects/map/_svg.html``)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from flask import current_app

from portal.projects.map.projection import BBox, Frame, Point, clip_line, clip_ring, distance_km, path_data

BASE_FILE = Path(__file__).with_name("data") / "base.geojson"
AREA_LAYERS = ("land", "lake")
LINE_LAYERS = ("coastline", "province_border", "country_border")
#: Points investors measure distances from, then the towns that help to find one's way.
LANDMARK_LAYERS = ("city_centre", "airport", "seaport", "place")


@dataclass(frozen=True)
class BaseLandmark:
    kind: str  # one of LANDMARK_LAYERS
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class BaseGeography:
    areas: dict[str, list[list[Point]]]
    lines: dict[str, list[list[Point]]]
    landmarks: list[BaseLandmark]
    bbox: BBox

    @property
    def city_centre(self) -> BaseLandmark | None:
        return next((mark for mark in self.landmarks if mark.kind == "city_centre"), None)

    def nearest(self, lat: float, lon: float) -> list[tuple[BaseLandmark, float]]:
        """The closest city centre, airport and seaport, with the straight-line distance (km) to each."""
        found = []
        for kind in ("city_centre", "airport", "seaport"):
            marks = [(mark, distance_km((lat, lon), (mark.lat, mark.lon))) for mark in self.landmarks
                     if mark.kind == kind]
            if marks:
                found.append(min(marks, key=lambda pair: pair[1]))
        return found


def base_file() -> Path:
    """The vendored file, or another region's (``PORTAL_MAP_BASE_FILE``, made by ``base_data.py``)."""
    return Path(current_app.config.get("PORTAL_MAP_BASE_FILE") or BASE_FILE)


@lru_cache(maxsize=4)
def load_base(path: Path) -> BaseGeography:
    collection = json.loads(Path(path).read_text(encoding="utf-8"))
    areas = {layer: [] for layer in AREA_LAYERS}
    lines = {layer: [] for layer in LINE_LAYERS}
    landmarks = []
    for feature in collection["features"]:
        layer, geometry = feature["properties"]["layer"], feature["geometry"]
        if layer in areas and geometry["type"] == "Polygon":
            areas[layer] += [[tuple(p) for p in ring] for ring in geometry["coordinates"]]
        elif layer in lines and geometry["type"] == "LineString":
            lines[layer].append([tuple(p) for p in geometry["coordinates"]])
        elif layer in LANDMARK_LAYERS and geometry["type"] == "Point":
            lon, lat = geometry["coordinates"][:2]
            landmarks.append(BaseLandmark(layer, feature["properties"].get("name", ""), lat, lon))
    return BaseGeography(areas=areas, lines=lines, landmarks=landmarks, bbox=BBox(*collection["bbox"]))


@dataclass(frozen=True)
class Place:
    """A park or a project to pin: ``name`` in the reader's language (or ``name_lang`` when it fell back)."""

    kind: str  # "park" or "project"
    slug: str
    name: str
    url: str
    lat: float | None
    lon: float | None
    name_lang: str | None = None
    number: int = 0

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True)
class Pin:
    place: Place
    x: float
    y: float


@dataclass(frozen=True)
class Landmark:
    kind: str
    name: str
    x: float
    y: float


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    paths: dict[str, str]
    landmarks: list[Landmark]
    pins: list[Pin]
    scale_bar: tuple[float, int] = (0.0, 0)  # (SVG units, kilometres)
    #: Reference points and their straight-line distance (km) from the place of a small map.
    nearest: list[tuple[BaseLandmark, float]] = field(default_factory=list)


def draw(frame: Frame, places: list[Place], base: BaseGeography, landmarks: tuple[str, ...] = LANDMARK_LAYERS
         ) -> Drawing:
    """The base layers cut to what the frame shows, landmarks inside it, a pin for each located place."""
    shown = frame.shown.padded(0.01)
    paths = {}
    for layer, rings in base.areas.items():
        clipped = [ring for ring in (clip_ring(ring, shown) for ring in rings) if len(ring) >= 4]
        paths[layer] = path_data(frame, clipped, closed=True)
    for layer, parts in base.lines.items():
        clipped = [piece for part in parts for piece in clip_line(part, shown)]
        paths[layer] = path_data(frame, clipped, closed=False)
    inner = frame.shown
    marks = [Landmark(mark.kind, mark.name, *frame.point(mark.lat, mark.lon))
             for mark in base.landmarks if mark.kind in landmarks and inner.contains(mark.lat, mark.lon)]
    pins = [Pin(place, *frame.point(place.lat, place.lon)) for place in places if place.located]
    return Drawing(width=frame.width, height=frame.height, paths=paths, landmarks=marks, pins=pins,
                   scale_bar=scale_bar(frame))


def scale_bar(frame: Frame) -> tuple[float, int]:
    """A round distance (km) about a fifth of the map wide, and its length in SVG units."""
    target = frame.width / 5
    for kilometres in (1, 2, 5, 10, 20, 50, 100):
        if frame.km(kilometres) >= target * 0.6:
            return round(frame.km(kilometres), 1), kilometres
    return round(frame.km(100), 1), 100
