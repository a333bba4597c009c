"""The site finder: ``/<lang>/find-a-site?sector=..&land_ha=..``. A GET form, so the answer is a
shareable URL and works without JavaScript."""
from flask import Blueprint, render_template, request

from portal import clock
from portal.i18n import current_language
from portal.projects import queries as catalogue
from portal.projects.site_finder import fit, queries
from portal.projects.site_finder.forms import SiteFinderForm

bp = Blueprint("site_finder", __name__, url_prefix="/<lang:lang>/find-a-site")

#: How many of the best-fitting parks the inquiry link names.
PARKS_IN_INQUIRY = 3


@bp.get("")
def find():
    form = SiteFinderForm(request.args, catalogue.sectors(), current_language())
    needs = form.requirements() if request.args else None
    fits, projects = [], []
    if needs is not None and needs.stated:
        sector_name = form.sector_names.get(needs.sector, "")
        today = clock.today_in_vietnam()
        fits = fit.rank([fit.assess(park, needs, today, sector_name) for park in queries.candidate_parks()])
        fitting = [item.park.id for item in fits if item.meets_all]
        projects = queries.matching_projects(needs.sector, needs.land_ha, fitting)
    return render_template(
        "projects/site_finder/find.html", form=form, needs=needs, fits=fits, projects=projects,
        summary=fit.described(needs, form.sector_names.get(needs.sector, "")) if needs else [],
        estimate_query=needs.cost_needs_query() if needs else {},
        inquiry_parks=[item.park.slug for item in fits[:PARKS_IN_INQUIRY] if item.meets_all],
    )
