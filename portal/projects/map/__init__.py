"""The portal's own maps (SVG drawn on the server, no tiles, no outside service): ``/<lang>/map`` and a
small map on each park and project page. Base data: ``data/base.geojson``, made by ``base_data.py``."""
from __future__ import annotations

from flask import Flask

from portal.projects.map.drawing import Drawing, Place, base_file, draw, load_base
from portal.projects.map.projection import bbox_around, fit

#: Degrees around the place a small map shows (about 27 km north to south).
SMALL_MAP_SPAN = 0.24


def small_map_of(item, name: str) -> Drawing | None:
    """The small map of a park's or project's page; None without coordinates."""
    if item.latitude is None or item.longitude is None:
        return None
    box = bbox_around([(item.latitude, item.longitude)], min_span=SMALL_MAP_SPAN)
    place = Place(kind=item.kind, slug=item.slug, name=name, url="", lat=item.latitude, lon=item.longitude)
    return draw(fit(box, width=480, margin=16, min_ratio=0.7, max_ratio=0.9), [place], load_base(base_file()),
                landmarks=("city_centre", "airport", "seaport", "place"))


def init_app(app: Flask) -> None:
    from portal.projects.map.views import bp

    app.register_blueprint(bp)
    app.add_template_global(small_map_of)
