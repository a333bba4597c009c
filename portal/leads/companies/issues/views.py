"""Investors' issues: the public form for existing investors (``/<lang>/investor-support``) and the
back office's list, page, status changes and corrections (``/staff/issues``)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal import audit, clock
from portal.antispam import form_rate_limit, form_started_token
from portal.auth.access import staff_required
from portal.clean_input import page_number
from portal.extensions import csrf, db, limiter
from portal.i18n import current_language
from portal.leads import queries as lead_queries
from portal.leads.companies import queries as company_queries
from portal.leads.companies.issues import operations, queries
from portal.leads.companies.views import event_page
from portal.leads.companies.issues.forms import (EventIssueForm, IssueEditForm, IssueFilterForm, IssueStatusForm,
                                                 InvestorSupportForm)
from portal.leads.models import Event, Issue, IssueSource, IssueStatus
from portal.leads.rules.access import can_work_on_company, can_work_on_issue

bp = Blueprint("issues", __name__, url_prefix="/staff")
public_bp = Blueprint("investor_support", __name__)

PER_PAGE = 25


# --- the public form for investors already here -------------------------------------------------


@public_bp.route("/<lang:lang>/investor-support", methods=["GET", "POST"])
@limiter.limit(form_rate_limit, methods=["POST"])
@csrf.exempt  # the form checks its own token, so a refused investor keeps what they typed
def support():
    form = InvestorSupportForm(current_language())
    problem = None
    if form.is_submitted():
        problem = form.spam_problem()
        if form.validate() and problem is None:
            session["issue_reference"] = _raise_once(form)
            return redirect(url_for("investor_support.received", lang=form.lang))
    form.keep_or_give_key()
    form.started.data = form_started_token()
    return render_template("leads/issues/support.html", form=form, problem=problem), \
        400 if form.is_submitted() else 200


def _raise_once(form: InvestorSupportForm) -> str:
    """Store the issue and commit, once per form (as ``capture.views._receive_once``): the same form
    sent again is refused by its unique key and answered with the first one's reference."""
    company, contact = operations.match_company(form.email.data, form.company.data)
    draft = operations.IssueDraft(
        category=form.category.data, agency="centre", subject=form.subject.data, description=form.message.data,
        language=form.lang, source=IssueSource.FORM, raised_by_name=form.name.data, raised_by_email=form.email.data,
        raised_by_company=form.company.data, company=company, contact=contact, form_key=form.keep_or_give_key())
    try:
        reference = operations.raise_issue(draft, None).reference
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        reference = queries.reference_for_form_key(draft.form_key)
        if reference is None:
            raise
    return reference


@public_bp.get("/<lang:lang>/investor-support/received")
def received():
    reference = session.get("issue_reference")
    if not reference:
        return redirect(url_for("investor_support.support", lang=current_language()))
    return render_template("leads/issues/received.html", reference=reference)


# --- the back office ----------------------------------------------------------------------------


@bp.before_request
@staff_required()
def require_staff():
    """Every page here needs a logged-in staff member; which issues, ``can_work_on_issue``."""


def _issue(issue_reference: str) -> Issue:
    issue = queries.issue(issue_reference) or abort(404)
    if not can_work_on_issue(current_user, issue):
        abort(403)
    return issue


@bp.get("/issues")
def index():
    form = IssueFilterForm(request.args, lead_queries.staff_members())
    today = clock.today_in_vietnam()
    page = queries.search_issues(form.filters(), current_user, today, page_number(), PER_PAGE)
    return render_template("leads/issues/index.html", form=form, page=page, today=today)


@bp.get("/issues/<issue_reference>")
def show(issue_reference: str):
    return _issue_page(_issue(issue_reference))


def _issue_page(issue: Issue, status_form: IssueStatusForm | None = None, status: int = 200):
    return render_template("leads/issues/show.html", issue=issue, today=clock.today_in_vietnam(),
                           status_form=status_form or IssueStatusForm(status=issue.status),
                           history=audit.history("issue", issue.id, limit=20)), status


@bp.post("/issues/<issue_reference>/status")
def change_status(issue_reference: str):
    issue = _issue(issue_reference)
    form = IssueStatusForm()
    if not form.validate():
        return _issue_page(issue, form, 400)
    operations.change_status(issue, IssueStatus(form.status.data), (form.note.data or "").strip(), current_user)
    db.session.commit()
    flash(_("The issue is updated."), "success")
    return redirect(url_for("issues.show", issue_reference=issue.reference))


@bp.route("/issues/<issue_reference>/edit", methods=["GET", "POST"])
def edit(issue_reference: str):
    issue = _issue(issue_reference)
    companies = queries.companies_to_link(current_user)
    if issue.company is not None and issue.company not in companies:
        companies.insert(0, issue.company)  # an owner keeps the link a colleague's company gave the issue
    form = IssueEditForm(lead_queries.staff_members(), companies, kept_due_on=issue.due_on, obj=issue)
    if not form.is_submitted():
        form.owner.data, form.company.data = str(issue.owner_id or ""), str(issue.company_id or "")
    if form.validate_on_submit():
        operations.update_issue(issue, form.values(), current_user)
        db.session.commit()
        flash(_("The issue is saved."), "success")
        return redirect(url_for("issues.show", issue_reference=issue.reference))
    return render_template("leads/issues/edit.html", form=form, issue=issue), 400 if form.errors else 200


@bp.post("/events/<int:event_id>/issues")
def log_at_event(event_id: int):
    """An issue a company raised at the event (the yearly FDI enterprise meeting)."""
    event = db.session.get(Event, event_id) or abort(404)
    invited = [link.company for link in company_queries.invited(event.id)]
    workable = [company for company in invited if can_work_on_company(current_user, company)]
    form = EventIssueForm(lead_queries.staff_members(), workable)
    if not form.validate():
        return event_page(event, issue_form=form, status=400)
    company = company_queries.company(int(form.company.data)) or abort(404)
    issue = operations.log_issue(company, form.values(), current_user, IssueSource.EVENT, event.id)
    db.session.commit()
    flash(_("The issue %(reference)s is logged.", reference=issue.reference), "success")
    return redirect(url_for("companies.event_companies", event_id=event.id, _anchor="issues"))
