"""The vendored base data, and the reading of Natural Earth's shapefiles that makes it."""
import json
import struct

from portal.projects.map import base_data
from portal.projects.map.drawing import BASE_FILE
from portal.projects.map.projection import BBox


def test_the_vendored_file_stays_in_its_window_and_holds_the_reference_points():
    collection = json.loads(BASE_FILE.read_text(encoding="utf-8"))
    window = BBox(*collection["bbox"])
    layers = {feature["properties"]["layer"] for feature in collection["features"]}
    assert {"land", "province_border", "city_centre", "airport", "seaport"} <= layers
    for feature in collection["features"]:
        geometry = feature["geometry"]
        points = {"Point": [geometry["coordinates"]], "LineString": geometry["coordinates"]}.get(
            geometry["type"]) or [p for ring in geometry["coordinates"] for p in ring]
        assert all(window.padded(1e-4).contains(lat, lon) for lon, lat in points), feature["properties"]
    assert BASE_FILE.stat().st_size < 300_000
    assert all(f["properties"].get("name") for f in collection["features"] if f["geometry"]["type"] == "Point")


def _polyline_shapefile(parts: list[list[tuple[float, float]]]) -> bytes:
    points = [point for part in parts for point in part]
    starts, start = [], 0
    for part in parts:
        starts.append(start)
        start += len(part)
    content = struct.pack("<i4d2i", 3, 0, 0, 0, 0, len(parts), len(points))
    content += struct.pack(f"<{len(parts)}i", *starts)
    content += struct.pack(f"<{2 * len(points)}d", *(v for point in points for v in point))
    header = b"\0" * 100
    return header + struct.pack(">ii", 1, len(content) // 2) + content


def test_a_shapefile_record_is_read_part_by_part():
    shapes = base_data.read_shapes(_polyline_shapefile([[(106.5, 11.0), (106.6, 11.1)], [(106.7, 10.9),
                                                                                          (106.8, 10.95)]]))
    assert shapes == [[[(106.5, 11.0), (106.6, 11.1)], [(106.7, 10.9), (106.8, 10.95)]]]
