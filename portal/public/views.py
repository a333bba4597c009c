"""Home page, "Why invest here", language negotiation for ``/``, sitemap and robots."""
from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, url_for

from portal.i18n import LANGUAGES, chosen_page, negotiate_language, remember_choice
from portal.links import external_url
from portal.privacy import NOTICE_VERSION
from portal.projects import queries as catalogue
from portal.public.queries import key_figures

bp = Blueprint("public", __name__)


@bp.get("/")
def root():
    response = redirect(url_for("public.home", lang=negotiate_language()))
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


@bp.get("/<lang:lang>/language")
def choose_language():
    """The visitor picked a language in the switcher: remember it, then show them their page in it."""
    target = chosen_page(request.args.get("next"), g.lang) or url_for("public.home")
    response = remember_choice(redirect(target, 303), g.lang)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<lang:lang>/")
def home():
    return render_template(
        "public/home.html",
        figures=key_figures(),
        projects=catalogue.featured_projects(),
        parks=catalogue.parks_with_available_land(),
        park_totals=catalogue.park_totals(),
    )


@bp.get("/<lang:lang>/why-invest")
def why_invest():
    """The region's case for investors, written in the region profile: no profile section, no page."""
    page = current_app.extensions["region"].why_invest
    if page is None:
        abort(404)
    return render_template("public/why_invest.html", page=page)


@bp.get("/<lang:lang>/privacy")
def privacy():
    return render_template("privacy/notice.html", version=NOTICE_VERSION)


@bp.get("/sitemap.xml")
def sitemap():
    projects, parks = catalogue.sitemap_items()
    endpoints = ["public.home", "projects.index", "parks.index", "site_finder.find", "map.index", "capture.inquire",
                 "capture.visit", "capture.refer", "investor_support.support", "public.privacy"]
    if current_app.extensions["region"].why_invest:
        endpoints.insert(1, "public.why_invest")
    pages = [(endpoint, {}, None, LANGUAGES) for endpoint in endpoints]
    # An item's page is listed in the languages it is written in (elsewhere it shows a stand-in).
    pages += [("projects.detail", {"slug": slug}, updated, written) for slug, updated, written in projects]
    pages += [("parks.detail", {"slug": slug}, updated, written) for slug, updated, written in parks]
    xml = render_template("public/sitemap.xml", pages=pages, all_languages=LANGUAGES)
    return Response(xml, mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    body = "User-agent: *\nDisallow: /staff/\nDisallow: /api/\n" f"Sitemap: {external_url('public.sitemap')}\n"
    return Response(body, mimetype="text/plain")
