"""The map of parks and projects, drawn by the portal itself: ``/<lang>/map``."""
from flask import Blueprint, render_template, request

from portal.i18n import current_language
from portal.projects import queries
from portal.projects.map import places as map_places
from portal.projects.map.drawing import base_file, draw, load_base
from portal.projects.map.forms import MapFilterForm
from portal.projects.map.projection import bbox_around, fit

bp = Blueprint("map", __name__, url_prefix="/<lang:lang>")


@bp.get("/map")
def index():
    lang = current_language()
    form = MapFilterForm(request.args, queries.sectors(), queries.locations(), lang)
    filters = form.filters()
    found = map_places.places(filters, lang)
    base = load_base(base_file())
    frame = fit(region_box(map_places.catalogue_extent(), base))
    return render_template("projects/map/index.html", form=form, filters=filters, drawing=draw(frame, found, base),
                           located=[place for place in found if place.located],
                           unlocated=[place for place in found if not place.located])


def region_box(extent, base):
    """Every published place and the city centre investors measure from; the base data's window
    when nothing is located yet."""
    corners = [(extent.south, extent.west), (extent.north, extent.east)] if extent else []
    centre = base.city_centre
    if corners and centre:
        corners.append((centre.lat, centre.lon))
    return bbox_around(corners) or base.bbox
