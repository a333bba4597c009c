"""``/api/v1/``: the published catalogue as JSON, for partners abroad (overseas offices, sister
cities, chambers of commerce) who show it on their own sites. Read-only, public, and described
by ``/api/v1/openapi.json``. ``?lang=`` chooses the language of texts and labels (default English)."""
from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, abort, current_app, g, jsonify, request
from flask_babel import refresh
from werkzeug.exceptions import HTTPException
from wtforms import DecimalField

from portal.api import serializers
from portal.clean_input import MAX_PAGE, whole_number
from portal.extensions import limiter
from portal.i18n import LANGUAGES
from portal.links import external_url
from portal.projects import queries
from portal.projects.catalogue.forms import ProjectFilterForm
from portal.projects.parks.forms import ParkFilterForm

bp = Blueprint("api", __name__, url_prefix="/api/v1")

OPENAPI = Path(__file__).with_name("openapi.json")
MAX_PER_PAGE = 100


@bp.before_request
def choose_language():
    lang = request.args.get("lang", "en")
    if lang not in LANGUAGES:
        abort(400, description=f"lang must be one of {', '.join(LANGUAGES)}")
    g.lang = lang
    refresh()


@bp.after_request
def public_and_cacheable(response):
    """Anyone may read the published catalogue, from any site; it changes a few times a day."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    if response.status_code == 200:
        response.headers["Cache-Control"] = "public, max-age=300"
    return response


class InvalidQuery(Exception):
    """Query parameters the catalogue's filter form refused, with its messages per parameter."""

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__("invalid query parameters")
        self.fields = fields


@bp.errorhandler(HTTPException)
def as_json(error: HTTPException):
    """The error as JSON, keeping its headers (``Allow`` on a 405)."""
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    return jsonify(error={"status": error.code, "message": error.description}), error.code, headers


@bp.errorhandler(InvalidQuery)
def invalid_query(error: InvalidQuery):
    return jsonify(error={"status": 400, "message": str(error), "fields": error.fields}), 400


def _limit():
    return current_app.config["API_RATE_LIMIT"]


limiter.limit(_limit)(bp)


def _whole_number_arg(name: str, default: int, largest: int) -> int:
    """A whole-number parameter from 1 to ``largest``; anything else is a 400 naming it."""
    if name not in request.args:
        return default
    number = whole_number(request.args[name])
    if number is None or not 1 <= number <= largest:
        raise InvalidQuery({name: [f"Enter a whole number from 1 to {largest}."]})
    return number


def _page_args() -> tuple[int, int]:
    return (_whole_number_arg("page", 1, MAX_PAGE),
            _whole_number_arg("per_page", current_app.config["PORTAL_PAGE_SIZE"], MAX_PER_PAGE))


def _checked(form):
    """The filters of a valid query string; a 400 naming each wrong parameter otherwise. A number
    given empty (``?max_area=``) is refused, as the description says: the web page's filter form
    reads it as "no limit", a program more likely lost its value on the way."""
    filters = form.filters()
    errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
    for field in form:
        if isinstance(field, DecimalField) and field.name in request.args and not request.args[field.name].strip():
            errors.setdefault(field.name, []).append("Enter a number, or leave the parameter out.")
    if errors:
        raise InvalidQuery(errors)
    return filters


def _listing(form_class, search, serialize) -> dict:
    """One page of a filtered list, with the address of the next page (same filters)."""
    form = form_class(request.args, queries.sectors(), queries.locations(), g.lang)
    form.refuses_reversed_ranges = False
    filters = _checked(form)
    page = search(filters, *_page_args())
    args = {k: v for k, v in request.args.items() if k != "page"}
    return {
        "items": [serialize(item, g.lang) for item in page.items],
        "page": page.page, "per_page": page.per_page, "total": page.total, "pages": page.pages,
        "next": external_url(request.endpoint, page=page.next_num, **args) if page.has_next else None,
    }


@bp.get("/projects")
def projects():
    return _listing(ProjectFilterForm, queries.search_projects, serializers.project)


@bp.get("/projects/<slug>")
def project(slug: str):
    item = queries.project_by_slug(slug) or abort(404, description="no published project has this slug")
    return serializers.project(item, g.lang, full=True)


@bp.get("/parks")
def parks():
    return _listing(ParkFilterForm, queries.search_parks, serializers.park)


@bp.get("/parks/<slug>")
def park(slug: str):
    item = queries.park_by_slug(slug) or abort(404, description="no published park has this slug")
    return serializers.park(item, g.lang, full=True)


@bp.get("/sectors")
def sectors():
    return {"items": [serializers.reference(sector, g.lang) | {"priority": sector.priority}
                      for sector in queries.sectors()]}


@bp.get("/locations")
def locations():
    return {"items": [serializers.reference(location, g.lang) for location in queries.locations()]}


#: Query parameters whose values are the codes of the catalogue's sectors and locations.
CODE_PARAMETERS = {("/projects", "sector"): queries.sectors, ("/projects", "location"): queries.locations,
                   ("/parks", "sector"): queries.sectors, ("/parks", "location"): queries.locations}


def description() -> dict:
    """The OpenAPI description, with the sector and location codes that exist now as the only
    values those filters take (empty for all): it says exactly what the server accepts."""
    spec = json.loads(OPENAPI.read_text(encoding="utf-8"))
    for (path, name), items in CODE_PARAMETERS.items():
        parameter = next(p for p in spec["paths"][path]["get"]["parameters"] if p.get("name") == name)
        parameter["schema"] = {"type": "string", "enum": [""] + [item.code for item in items()]}
    return spec


@bp.get("/openapi.json")
def openapi():
    body = json.dumps(description(), indent=2, ensure_ascii=False)
    return current_app.response_class(body, mimetype="application/json")

