"""The industrial park directory, profiles and side-by-side comparison: ``/<lang>/parks/``."""
from flask import Blueprint, current_app, render_template, request

from portal.clean_input import page_number
from portal.i18n import current_language
from portal.projects import queries
from portal.projects.parks.facts import COMPARE_ROWS, FACTS, PROFILE_SECTIONS
from portal.projects.parks.forms import ParkFilterForm
from portal.projects.slugs import moved as _moved

bp = Blueprint("parks", __name__, url_prefix="/<lang:lang>/parks")


@bp.get("/")
def index():
    form = ParkFilterForm(request.args, queries.sectors(), queries.locations(), current_language())
    filters = form.filters()
    page = queries.search_parks(filters, page_number(), current_app.config["PORTAL_PAGE_SIZE"] * 2)
    return render_template("projects/parks/index.html", form=form, filters=filters, page=page)


@bp.get("/compare")
def compare():
    slugs = request.args.getlist("park")
    parks = queries.parks_by_slugs(slugs[: queries.COMPARE_MAX + 1])
    enough = queries.COMPARE_MIN <= len(parks) <= queries.COMPARE_MAX
    return render_template(
        "projects/parks/compare.html",
        parks=parks if enough else [],
        asked=len(dict.fromkeys(slugs)),
        chosen={park.slug for park in parks},
        choices=queries.park_choices(),
        compare_min=queries.COMPARE_MIN,
        compare_max=queries.COMPARE_MAX,
        facts=FACTS,
        rows=COMPARE_ROWS,
    )


@bp.get("/<slug>")
def detail(slug: str):
    park = queries.park_by_slug(slug)
    if park is None:
        return _moved("park", slug, "parks.detail")
    return render_template("projects/parks/detail.html", park=park, projects=queries.park_projects(park), facts=FACTS,
                           sections=PROFILE_SECTIONS)
