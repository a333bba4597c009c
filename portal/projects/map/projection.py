"""Where a latitude/longitude lands on the portal's SVG maps: plain functions, tested directly.

The projection is equirectangular with longitudes shortened by the cosine of the middle latitude, so
distances look right over a region a hundred kilometres wide (no map projection library needed)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, NamedTuple

Point = tuple[float, float]  # (lon, lat), as GeoJSON orders them


class BBox(NamedTuple):
    west: float
    south: float
    east: float
    north: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    def padded(self, degrees: float) -> BBox:
        return BBox(self.west - degrees, self.south - degrees, self.east + degrees, self.north + degrees)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon), in kilometres (haversine, earth radius 6,371 km)."""
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, point)) for point in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def bbox_around(points: Iterable[tuple[float, float]], min_span: float = 0.05) -> BBox | None:
    """The smallest box holding every (lat, lon), at least ``min_span`` degrees each way; None without points."""
    points = list(points)
    if not points:
        return None
    lats, lons = [lat for lat, _ in points], [lon for _, lon in points]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    if north - south < min_span:
        middle = (north + south) / 2
        south, north = middle - min_span / 2, middle + min_span / 2
    if east - west < min_span:
        middle = (east + west) / 2
        west, east = middle - min_span / 2, middle + min_span / 2
    return BBox(west, south, east, north)


@dataclass(frozen=True)
class Frame:
    """A box of the earth fitted into an SVG of ``width`` × ``height`` units, ``margin`` units kept free
    around it (the box fills one direction exactly and is centred in the other)."""

    bbox: BBox
    width: float
    height: float
    scale: float  # SVG units per degree of latitude
    x_scale: float  # SVG units per degree of longitude
    left: float
    top: float

    def point(self, lat: float, lon: float) -> tuple[float, float]:
        return (round(self.left + (lon - self.bbox.west) * self.x_scale, 1),
                round(self.top + (self.bbox.north - lat) * self.scale, 1))

    @property
    def shown(self) -> BBox:
        """The part of the earth the whole SVG shows, margins included."""
        return BBox(self.bbox.west - self.left / self.x_scale,
                    self.bbox.north - (self.height - self.top) / self.scale,
                    self.bbox.west + (self.width - self.left) / self.x_scale,
                    self.bbox.north + self.top / self.scale)

    def km(self, kilometres: float) -> float:
        """SVG units for a distance on the ground (one degree of latitude is 111.2 km)."""
        return kilometres / 111.2 * self.scale


def fit(bbox: BBox, width: float = 600, margin: float = 24, min_ratio: float = 0.6,
        max_ratio: float = 1.2) -> Frame:
    """The frame in which ``bbox`` fills ``width`` less the margins; the height follows the box's
    shape, kept between ``min_ratio`` and ``max_ratio`` of the width (then the box is centred)."""
    shrink = math.cos(math.radians((bbox.north + bbox.south) / 2))
    wide, tall = (bbox.east - bbox.west) * shrink, bbox.north - bbox.south
    scale = (width - 2 * margin) / wide
    height = tall * scale + 2 * margin
    left = top = margin
    if height > max_ratio * width:
        height = max_ratio * width
        scale = (height - 2 * margin) / tall
        left = (width - wide * scale) / 2
    elif height < min_ratio * width:
        height = min_ratio * width
        top = (height - tall * scale) / 2
    return Frame(bbox=bbox, width=width, height=round(height, 1), scale=scale, x_scale=scale * shrink,
                 left=left, top=top)


def path_data(frame: Frame, parts: Iterable[list[Point]], closed: bool) -> str:
    """An SVG path ``d`` for lines or rings of (lon, lat), in the frame's units."""
    commands = []
    for part in parts:
        xy = [frame.point(lat, lon) for lon, lat in part]
        if len(xy) < 2:
            continue
        commands.append("M" + " ".join(f"{x:g},{y:g}" for x, y in _distinct(xy)) + ("Z" if closed else ""))
    return "".join(commands)


def _distinct(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    kept = [points[0]]
    for point in points[1:]:
        if point != kept[-1]:
            kept.append(point)
    return kept


# --- cutting geography to a box -------------------------------------------------------------

def clip_line(line: list[Point], box: BBox) -> list[list[Point]]:
    """The pieces of a polyline inside ``box`` (Liang–Barsky on each segment)."""
    pieces: list[list[Point]] = []
    current: list[Point] = []
    for start, end in zip(line, line[1:]):
        segment = _clip_segment(start, end, box)
        if segment is None:
            if current:
                pieces.append(current)
                current = []
            continue
        a, b = segment
        if not current or current[-1] != a:
            if current:
                pieces.append(current)
            current = [a]
        current.append(b)
        if b != end:
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return [piece for piece in pieces if len(piece) >= 2]


def _clip_segment(start: Point, end: Point, box: BBox) -> tuple[Point, Point] | None:
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - box.west), (dx, box.east - x0), (-dy, y0 - box.south), (dy, box.north - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return None
    a = start if low == 0 else (x0 + low * dx, y0 + low * dy)
    b = end if high == 1 else (x0 + high * dx, y0 + high * dy)
    return a, b


def clip_ring(ring: list[Point], box: BBox) -> list[Point]:
    """A polygon ring cut to ``box`` (Sutherland–Hodgman), closed; empty when nothing is inside."""
    edges = (
        (lambda p: p[0] >= box.west, lambda a, b: _at_x(a, b, box.west)),
        (lambda p: p[0] <= box.east, lambda a, b: _at_x(a, b, box.east)),
        (lambda p: p[1] >= box.south, lambda a, b: _at_y(a, b, box.south)),
        (lambda p: p[1] <= box.north, lambda a, b: _at_y(a, b, box.north)),
    )
    points = list(ring[:-1] if ring and ring[0] == ring[-1] else ring)
    for inside, cross in edges:
        if not points:
            break
        result = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            if inside(current):
                if not inside(previous):
                    result.append(cross(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(cross(previous, current))
        points = result
    return points + points[:1] if points else []


def _at_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Drops points closer than ``tolerance`` degrees to the last one kept; the ends stay."""
    if len(points) <= 2:
        return list(points)
    kept = [points[0]]
    for point in points[1:-1]:
        if abs(point[0] - kept[-1][0]) + abs(point[1] - kept[-1][1]) >= tolerance:
            kept.append(point)
    kept.append(points[-1])
    return kept
