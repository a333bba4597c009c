"""The industrial park directory, profiles and side-by-side comparison: ``/<lang>/parks/``."""
from flask import Blueprint, current_app, render_template, request

from portal.clean_input import page_number
from portal.clock import today_in_vietnam
from portal.i18n import current_language
from portal.money import format_usd_range, format_vnd_range
from portal.projects import queries
from portal.projects.models import ExchangeRate, IndustrialPark
from portal.projects.parks import costs
from portal.projects.parks.facts import COMPARE_ROWS, FACTS, PROFILE_SECTIONS
from portal.projects.parks.forms import EstimateForm, ParkFilterForm
from portal.projects.slugs import moved as _moved

bp = Blueprint("parks", __name__, url_prefix="/<lang:lang>/parks")


def _cost_estimates(parks: list[IndustrialPark]) -> dict:
    """The cost section's context: the form as typed, each park's estimate, the exchange rate.
    Only the URL and the catalogue decide it, so the pages stay cacheable."""
    form = EstimateForm(request.args)
    needs = form.needs()
    today = today_in_vietnam()
    asked = bool(needs.land_ha or needs.floor_m2)
    return {
        "cost_form": form,
        "estimates": {park.id: costs.estimate(park, needs, today) for park in parks} if asked else {},
        "exchange_rate": queries.exchange_rate_on(today) if asked else None,
    }


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
        **_cost_estimates(parks if enough else []),
    )


@bp.get("/<slug>")
def detail(slug: str):
    park = queries.park_by_slug(slug)
    if park is None:
        return _moved("park", slug, "parks.detail")
    return render_template("projects/parks/detail.html", park=park, projects=queries.park_projects(park), facts=FACTS,
                           sections=PROFILE_SECTIONS, **_cost_estimates([park]))


@bp.app_template_filter("estimate_usd")
def estimate_usd(amount: costs.Range) -> str:
    """An estimated amount as shown: rounded (``costs.round_usd``), a range when the park gives one."""
    shown = costs.rounded_usd(amount)
    return format_usd_range(shown.low, shown.high, exact=True)


@bp.app_template_filter("estimate_vnd")
def estimate_vnd(amount: costs.Range, rate: ExchangeRate) -> str:
    """The same amount in đồng at the recorded rate."""
    shown = costs.in_vnd(amount, rate.vnd_per_usd)
    return format_vnd_range(shown.low, shown.high)
