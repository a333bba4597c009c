"""The shortlist page, ``/<lang>/shortlist?project=<slug>&park=<slug>``: what the investor put on
their shortlist (kept in their browser by ``static/js/shortlist.js``, which builds this URL). The
page depends only on its URL and the catalogue, so the page cache may keep it."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for

from portal.i18n import current_language
from portal.projects import queries

bp = Blueprint("shortlist", __name__)

#: As many items as the browser keeps (``shortlist.js``).
SHORTLIST_MAX = 20


def asked_slugs() -> tuple[list[str], list[str]]:
    """The projects' and parks' slugs named in the query, in order, each once, at most ``SHORTLIST_MAX``."""
    projects = list(dict.fromkeys(slug[:160] for slug in request.args.getlist("project") if slug))
    parks = list(dict.fromkeys(slug[:160] for slug in request.args.getlist("park") if slug))
    return projects[:SHORTLIST_MAX], parks[:max(0, SHORTLIST_MAX - len(projects))]


def shortlist_url(lang: str, projects: list[str], parks: list[str], endpoint: str = "shortlist.page") -> str:
    query = urlencode([("project", slug) for slug in projects] + [("park", slug) for slug in parks])
    return url_for(endpoint, lang=lang) + (f"?{query}" if query else "")


@bp.get("/<lang:lang>/shortlist")
def page():
    lang = current_language()
    project_slugs, park_slugs = asked_slugs()
    projects = queries.projects_by_slugs(project_slugs)
    parks = queries.parks_by_slugs(park_slugs) if park_slugs else []
    kept_projects, kept_parks = [p.slug for p in projects], [p.slug for p in parks]
    removal = {("project", slug): shortlist_url(lang, [s for s in kept_projects if s != slug], kept_parks)
               for slug in kept_projects}
    removal |= {("park", slug): shortlist_url(lang, kept_projects, [s for s in kept_parks if s != slug])
                for slug in kept_parks}
    return render_template("projects/shortlist/page.html", projects=projects, parks=parks, removal=removal,
                           inquiry_url=shortlist_url(lang, kept_projects, kept_parks, "capture.inquire"),
                           visit_url=shortlist_url(lang, kept_projects, kept_parks, "capture.visit"),
                           missing=len(project_slugs) + len(park_slugs) - len(projects) - len(parks))
