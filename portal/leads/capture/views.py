"""The public side of leads: inquiry, site-visit and referral forms, the confirmation page,
and referrers' personal links (``/r/<code>``)."""
from __future__ import annotations

from datetime import timedelta
from functools import wraps
from typing import Callable
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from sqlalchemy.exc import IntegrityError

from portal.antispam import form_rate_limit, form_started_token
from portal.extensions import csrf, db, limiter
from portal.i18n import current_language, negotiate_language
from portal.leads import queries
from portal.leads.capture import blank_forms, site_needs
from portal.leads.capture.forms import InquiryForm, PublicForm, ReferralForm, VisitForm
from portal.leads.models import LeadKind
from portal.leads.operations import Introducer, Submission, receive_submission
from portal.money import usd_from_millions
from portal.page_cache import content_generation
from portal.projects import queries as catalogue
from portal.projects.models import Sector
from portal.projects.slugs import resolve

bp = Blueprint("capture", __name__)

REFERRAL_COOKIE = "referrer"
REFERRAL_COOKIE_AGE = timedelta(days=90)


def _came_from() -> str:
    """The page that led here, when it is one of ours (never another site's address)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return ""
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def _chosen(sectors: list[Sector], codes: list[str]) -> list[Sector]:
    """The sectors ticked, from those the form offered (kept by the worker: ``catalogue.sectors_kept``),
    in this request's session without a query."""
    return [db.session.merge(sector, load=False) for sector in sectors if sector.code in codes]


def _common(form: PublicForm, kind: LeadKind) -> dict:
    return {
        "kind": kind,
        "language": form.lang,
        "news": form.news.data,
        "ip_address": request.remote_addr or "",
        "referrer": queries.active_referrer(request.cookies.get(REFERRAL_COOKIE)),
        "landing_page": form.came_from.data or "",
        "form_key": form.keep_or_give_key(),
    }


#: How many times a submission is stored before its error is shown: a new lead's reference is drawn
#: without looking it up, and a taken one (about once in 9,000 new leads) is drawn again.
STORE_ATTEMPTS = 3


def _receive_once(submission: Submission) -> str:
    """Store the submission and commit, once per form: a form already stored (sent twice, or twice
    at once) is refused by the unique key, and answers with the first one's reference. Not looked up
    first: a repeat is rare, and every other submission would pay for the look. Refused for another
    reason (a reference taken), it is stored again."""
    for attempt in range(1, STORE_ATTEMPTS + 1):
        try:
            reference = receive_submission(submission).lead.reference
            db.session.commit()
            return reference
        except IntegrityError:
            db.session.rollback()
            reference = queries.reference_for_form_key(submission.form_key)
            if reference is not None:
                current_app.logger.info("lead %s: the same form again, not stored twice", reference)
                return reference
            if attempt == STORE_ATTEMPTS:
                raise
            current_app.logger.info("submission refused by a unique key (a reference taken): stored again")


def _published_or_moved(kind: str, slugs: list[str], published: Callable[[list[str]], list]) -> list:
    """The published items named, in the order named; a slug from an old link (renamed item) is
    looked up only when it names nothing, so the usual case costs one query."""
    found = {item.slug: item for item in published(slugs)} if slugs else {}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        moved = {slug: resolve(kind, slug) for slug in missing}
        found |= {item.slug: item for item in published([new for new in moved.values() if new not in found])}
        slugs = [moved.get(slug, slug) for slug in slugs]
    return [found[slug] for slug in dict.fromkeys(slugs) if slug in found]


def _blank_when_kept(view):
    """A plain GET is answered from the kept blank form when there is one (``blank_forms``), before
    any query or form is made."""
    @wraps(view)
    def serve(*args, **kwargs):
        if blank_forms.eligible():
            g.blank_form_generation = content_generation()
            page = blank_forms.kept_page(current_language(), _came_from(), g.blank_form_generation)
            if page is not None:
                return page
        return view(*args, **kwargs)

    return serve


def _handle(form: PublicForm, template: str, build: Callable[[PublicForm], Submission], **context):
    """Validate, store, confirm; or show the form again with every typed value and a reason."""
    problem = None
    if form.is_submitted():
        problem = form.spam_problem()
        valid = form.validate()
        if valid and problem is None:
            submission = build(form)
            session["submission"] = {"reference": _receive_once(submission), "kind": submission.kind.value}
            return redirect(url_for("capture.thank_you"))
    else:
        form.came_from.data = _came_from()
    if not form.is_submitted() and blank_forms.eligible():
        came_from = form.came_from.data
        blank_forms.mark_slots(form)
        page = render_template(template, form=form, problem=None, **context)
        return blank_forms.keep_and_fill(page, form.lang, came_from, g.get("blank_form_generation")), 200
    form.keep_or_give_key()
    form.started.data = form_started_token()
    status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, problem=problem, **context), status


@bp.route("/<lang:lang>/inquire", methods=["GET", "POST"])
@limiter.limit(form_rate_limit, methods=["POST"])
@csrf.exempt  # the form checks its own token, so a refused visitor keeps what they typed
@_blank_when_kept
def inquire():
    sectors = catalogue.sectors_kept()
    form = InquiryForm(current_language(), sectors)
    if not form.is_submitted():
        form.project.process_formdata(request.args.getlist("project"))
        form.park.process_formdata(request.args.getlist("park"))
    projects = _published_or_moved("project", form.project.data, queries.published_projects_by_slug)
    parks = _published_or_moved("park", form.park.data, queries.published_parks_by_slug)
    form.project.data, form.park.data = [item.slug for item in projects], [item.slug for item in parks]
    needs = site_needs.carry(form, sectors, request.args)

    def build(form: InquiryForm) -> Submission:
        return Submission(
            **_common(form, LeadKind.INQUIRY),
            name=form.name.data, company=form.company.data, job_title=form.job_title.data,
            country=form.country.data, email=form.email.data, phone=form.phone.data,
            message=form.message.data, sectors=_chosen(sectors, form.sectors.data),
            projects=projects, parks=parks, estimated_investment_usd=usd_from_millions(form.estimated_investment.data),
            land_need_ha=form.land_need.data, timeline=form.timeline.data or None, site_needs=needs,
        )

    return _handle(form, "leads/capture/inquire.html", build, about_projects=projects, about_parks=parks,
                   site_needs=needs)


@bp.route("/<lang:lang>/visit", methods=["GET", "POST"])
@limiter.limit(form_rate_limit, methods=["POST"])
@csrf.exempt  # the form checks its own token, so a refused visitor keeps what they typed
@_blank_when_kept
def visit():
    parks, projects = queries.visit_choices()
    form = VisitForm(current_language(), parks=parks, projects=projects)
    if not form.is_submitted():
        asked_parks = [resolve("park", slug) for slug in request.args.getlist("park")[:10]]
        asked_projects = [resolve("project", slug) for slug in request.args.getlist("project")[:10]]
        form.parks.data = [slug for slug in asked_parks if any(p.slug == slug for p in parks)]
        form.projects.data = [slug for slug in asked_projects if any(p.slug == slug for p in projects)]

    def build(form: VisitForm) -> Submission:
        return Submission(
            **_common(form, LeadKind.SITE_VISIT),
            name=form.name.data, company=form.company.data, job_title=form.job_title.data,
            country=form.country.data, email=form.email.data, phone=form.phone.data,
            message=form.message.data,
            parks=[park for park in parks if park.slug in form.parks.data],
            projects=[project for project in projects if project.slug in form.projects.data],
            visit_from=form.visit_from.data, visit_to=form.visit_to.data, visitors=form.visitors.data,
            guide_language=form.guide_language.data,
        )

    return _handle(form, "leads/capture/visit.html", build)


@bp.route("/<lang:lang>/refer", methods=["GET", "POST"])
@limiter.limit(form_rate_limit, methods=["POST"])
@csrf.exempt  # the form checks its own token, so a refused visitor keeps what they typed
@_blank_when_kept
def refer():
    sectors = catalogue.sectors_kept()
    form = ReferralForm(current_language(), sectors)

    def build(form: ReferralForm) -> Submission:
        return Submission(
            **_common(form, LeadKind.REFERRAL),
            name=form.prospect_name.data, company=form.prospect_company.data,
            job_title=form.prospect_job_title.data, country=form.prospect_country.data,
            email=form.prospect_email.data, phone=form.prospect_phone.data,
            preferred_language=form.prospect_language.data, message=form.message.data,
            sectors=_chosen(sectors, form.prospect_sectors.data),
            estimated_investment_usd=usd_from_millions(form.estimated_investment.data),
            introducer=Introducer(
                name=form.introducer_name.data, organisation=form.introducer_organisation.data,
                email=form.introducer_email.data, relationship=form.introducer_relationship.data,
                language=form.lang,
            ),
        )

    return _handle(form, "leads/capture/refer.html", build)


@bp.get("/<lang:lang>/thank-you")
def thank_you():
    sent = session.get("submission")
    if not sent:
        return redirect(url_for("public.home"))
    return render_template("leads/capture/thank_you.html", sent=sent)


@bp.get("/r/<code>")
def referral_link(code: str):
    """A referrer's personal link: remember who sent the visitor, then show the home page."""
    response = redirect(url_for("public.home", lang=negotiate_language()))
    response.vary.add("Accept-Language")
    if queries.active_referrer(code[:40]) is not None:
        response.set_cookie(REFERRAL_COOKIE, code[:40], max_age=int(REFERRAL_COOKIE_AGE.total_seconds()),
                            httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
