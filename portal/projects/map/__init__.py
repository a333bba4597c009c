"""The portal's own maps (SVG drawn on the server, no tiles, no outside service): ``/<lang>/map`` and a
small map on each park and project page. Base data: ``data/base.geojson``, made by ``base_data.py``."""
from __future__ import annotations

from dataclasses import replace

from flask import Flask

from portal.projects.map.drawing import Drawing, Place, base_file, draw, load_base
from portal.projects.map.projection import bbox_around, fit

#: Degrees of latitude a small map shows around the place (about 33 km north to south; wider east to west).
SMALL_MAP_SPAN = 0.3


def small_map_of(item, name: str) -> Drawing | None:
    """The small map of a park's or project's page; None without coordinates."""
    if item.latitude is None or item.longitude is None:
        return None
    box = bbox_around([(item.latitude, item.longitude)], min_span=SMALL_MAP_SPAN)
    place = Place(kind=item.kind, slug=item.slug, name=name, url="", lat=item.latitude, lon=item.longitude)
    base = load_base(base_file())
    drawing = draw(fit(box, width=480, margin=16, min_ratio=0.6, max_ratio=0.6), [place], base)
    return replace(drawing, nearest=base.nearest(item.latitude, item.longitude))


def init_app(app: Flask) -> None:
    from portal.projects.map.views import bp

    app.register_blueprint(bp)
    app.add_template_global(small_map_of)
