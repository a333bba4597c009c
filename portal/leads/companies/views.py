"""Aftercare in the back office: the investor companies already here (``/staff/companies``), their
contacts, registered projects and visits, the "due for a visit" list, and the company record made
from a registered lead."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from flask_login import current_user

from portal import audit, clock
from portal.auth.access import staff_required
from portal.auth.models import Role
from portal.clean_input import page_number
from portal.leads.imports import sheets
from portal.leads.imports.forms import ConfirmForm
from portal.extensions import db
from portal.i18n import current_language
from portal.leads import operations as lead_operations, queries as lead_queries
from portal.i18n import LANGUAGES
from portal.leads.companies import imports, operations, queries
from portal.leads.companies.issues import operations as issue_operations, queries as issue_queries
from portal.links import staff_back
from portal.leads.companies.issues.forms import EventIssueForm, InviteForm, IssueForm
from portal.leads.companies.forms import (
    CompanyContactForm,
    CompanyUploadForm,
    CompanyFilterForm,
    CompanyForm,
    CompanyTaskForm,
    RegisteredProjectForm,
    VisitForm,
)
from portal.leads.models import Company, CompanyContact, Event, RegisteredProject
from portal.leads.rules.access import can_complete_task, can_work_on, can_work_on_company
from portal.leads.rules.aftercare import WARNING_LABELS, EarlyWarning
from portal.projects import queries as catalogue

bp = Blueprint("companies", __name__, url_prefix="/staff")

PER_PAGE = 25
#: What each audited change of a company is called on its page.
CHANGE_LABELS = {"create": _l("Record created"), "update": _l("Details changed"), "contact": _l("Contact logged"),
                 "expansion": _l("Expansion lead started"), "referrer": _l("Referral link created")}


@bp.before_request
@staff_required()
def require_staff():
    """Every page here needs a logged-in staff member; which companies, ``can_work_on_company``."""


@bp.context_processor
def labels():
    return {"warning_label": lambda warning: WARNING_LABELS[EarlyWarning(warning)],
            "change_label": lambda action: CHANGE_LABELS.get(action, action)}


def _company(company_id: int) -> Company:
    company = queries.company(company_id) or abort(404)
    if not can_work_on_company(current_user, company):
        abort(403)
    return company


def _assignable() -> list:
    """Whom a company may be given to: anyone for a manager; an officer takes it or leaves it free."""
    if current_user.can(Role.MANAGER):
        return lead_queries.staff_members()
    return [current_user]


@bp.get("/companies")
def index():
    lang, today = current_language(), clock.today_in_vietnam()
    form = CompanyFilterForm(request.args, lead_queries.staff_members(), catalogue.sectors(), lang)
    page = queries.search_companies(form.filters(), current_user, today, page_number(), PER_PAGE)
    return render_template("leads/companies/index.html", form=form, page=page, today=today)


@bp.get("/companies/due")
def due():
    today = clock.today_in_vietnam()
    horizon = operations.due_horizon(today)
    return render_template("leads/companies/due.html", companies=queries.due_for_a_visit(current_user, horizon),
                           today=today, horizon=horizon)


@bp.route("/companies/new", methods=["GET", "POST"])
@bp.route("/companies/<int:company_id>/edit", methods=["GET", "POST"])
def edit(company_id: int | None = None):
    company = _company(company_id) if company_id else None
    form = CompanyForm(_assignable(), catalogue.sectors(), current_language(), obj=company)
    if company is not None and not form.is_submitted():
        form.sector.data, form.owner.data = str(company.sector_id or ""), str(company.owner_id or "")
    if form.validate_on_submit():
        company = operations.save_company(company, form.values(), current_user)
        db.session.commit()
        flash(_("The company is saved."), "success")
        return redirect(url_for("companies.show", company_id=company.id))
    return render_template("leads/companies/edit.html", form=form, company=company), 400 if form.errors else 200


@bp.get("/companies/<int:company_id>")
def show(company_id: int):
    return _company_page(_company(company_id))


def _company_page(company: Company, status: int = 200, visit_form: VisitForm | None = None,
                  issue_form: IssueForm | None = None, task_form: CompanyTaskForm | None = None):
    today, staff = clock.today_in_vietnam(), lead_queries.staff_members()
    return render_template(
        "leads/companies/show.html", company=company, today=today,
        warnings=queries.warnings_of(company, today), referred=queries.referred_leads(company),
        history=audit.history("company", company.id, limit=20),
        visit_form=visit_form or _follow_ups_form(VisitForm, company, staff, today, visited_on=today),
        task_form=task_form or _follow_ups_form(CompanyTaskForm, company, staff),
        issue_form=issue_form or IssueForm(staff, owner=str(company.owner_id or "")),
        rhythm=queries.rhythm_of(company)), status


def _follow_ups_form(form_class, company: Company, staff: list, *args, **kwargs):
    """A visit's or the "Add a task" form (``args`` before its assignees): its follow-ups go to whoever
    may work on the company, by default its account officer (else the user)."""
    return form_class(*args, queries.assignees(company, staff), company.owner or current_user, **kwargs)


@bp.route("/companies/<int:company_id>/contacts/new", methods=["GET", "POST"])
@bp.route("/companies/<int:company_id>/contacts/<int:contact_id>", methods=["GET", "POST"])
def edit_contact(company_id: int, contact_id: int | None = None):
    company = _company(company_id)
    contact = _part(company.contacts, contact_id)
    form = CompanyContactForm(obj=contact)
    if form.validate_on_submit():
        operations.save_contact(company, contact, form.values(), current_user)
        db.session.commit()
        flash(_("The contact is saved."), "success")
        return redirect(url_for("companies.show", company_id=company.id, _anchor="contacts"))
    return render_template("leads/companies/part_form.html", form=form, company=company, item=contact,
                           title=_("Contact")), 400 if form.errors else 200


@bp.route("/companies/<int:company_id>/projects/new", methods=["GET", "POST"])
@bp.route("/companies/<int:company_id>/projects/<int:project_id>", methods=["GET", "POST"])
def edit_project(company_id: int, project_id: int | None = None):
    company = _company(company_id)
    project = _part(company.projects, project_id)
    form = RegisteredProjectForm(queries.parks(), current_language(), obj=project)
    if form.validate_on_submit():
        operations.save_project(company, project, form.values(), current_user)
        db.session.commit()
        flash(_("The registered project is saved."), "success")
        return redirect(url_for("companies.show", company_id=company.id, _anchor="projects"))
    return render_template("leads/companies/part_form.html", form=form, company=company, item=project,
                           title=_("Registered project")), 400 if form.errors else 200


def _part(items: list, item_id: int | None):
    if item_id is None:
        return None
    return next((item for item in items if item.id == item_id), None) or abort(404)


@bp.post("/companies/<int:company_id>/<any(contacts, projects):part>/<int:item_id>/delete")
def delete_part(company_id: int, part: str, item_id: int):
    company = _company(company_id)
    items, entity = (company.contacts, "company_contact") if part == "contacts" else \
        (company.projects, "registered_project")
    operations.delete_part(company, _part(items, item_id), entity, current_user)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for("companies.show", company_id=company.id, _anchor=part))


@bp.post("/companies/<int:company_id>/visits")
def log_visit(company_id: int):
    company = _company(company_id)
    form = _follow_ups_form(VisitForm, company, lead_queries.staff_members(), clock.today_in_vietnam())
    if not form.validate():
        return _company_page(company, 400, visit_form=form)
    operations.log_visit(company, form.values(), form.follow_ups(), current_user)
    db.session.commit()
    flash(_("The contact is logged."), "success")
    return redirect(url_for("companies.show", company_id=company.id, _anchor="visits"))


@bp.post("/companies/<int:company_id>/tasks")
def add_task(company_id: int):
    """A follow-up added on its own (no visit): for whoever may work on the company, as a visit's."""
    company = _company(company_id)
    form = _follow_ups_form(CompanyTaskForm, company, lead_queries.staff_members())
    if not form.validate():
        return _company_page(company, 400, task_form=form)
    [(title, due, assignee)] = form.follow_ups()
    operations.add_task(company, None, title, due, assignee, current_user)
    db.session.commit()
    flash(_("The task is added."), "success")
    return redirect(url_for("companies.show", company_id=company.id, _anchor="tasks"))


@bp.post("/companies/<int:company_id>/tasks/<int:task_id>/done")
def complete_task(company_id: int, task_id: int):
    """A follow-up done: by its assignee, or whoever may work on the company (as the company's page)."""
    task = queries.task_of(company_id, task_id) or abort(404)
    if not can_complete_task(current_user, task):
        abort(403)
    lead_operations.complete_task(task, current_user)
    db.session.commit()
    flash(_("Task done."), "success")
    return redirect(staff_back(url_for("companies.show", company_id=company_id, _anchor="tasks")))


@bp.post("/companies/<int:company_id>/issues")
def log_issue(company_id: int):
    """An issue the company raised with staff (a call, a visit): logged on its page."""
    company = _company(company_id)
    form = IssueForm(lead_queries.staff_members())
    if not form.validate():
        return _company_page(company, 400, issue_form=form)
    issue = issue_operations.log_issue(company, form.values(), current_user)
    db.session.commit()
    flash(_("The issue %(reference)s is logged.", reference=issue.reference), "success")
    return redirect(url_for("issues.show", issue_reference=issue.reference))


@bp.post("/companies/<int:company_id>/expansion")
def expansion(company_id: int):
    company = _company(company_id)
    lead = operations.start_expansion(company, current_user)
    db.session.commit()
    flash(_("The expansion lead is created: complete what the company plans."), "success")
    return redirect(url_for("pipeline.edit_lead", reference=lead.reference))


@bp.post("/companies/<int:company_id>/referrer")
def make_referrer(company_id: int):
    company = _company(company_id)
    operations.make_referrer(company, current_user)
    db.session.commit()
    flash(_("The company has its personal referral link."), "success")
    return redirect(url_for("companies.show", company_id=company.id, _anchor="referrals"))


@bp.post("/leads/<reference>/company")
def from_lead(reference: str):
    """"Create the company record" on a registered lead: its facts carried over, no retyping."""
    lead = lead_queries.lead_by_reference(reference) or abort(404)
    if not can_work_on(current_user, lead):
        abort(403)
    if not lead.stage.is_won:
        flash(_("Only a registered lead becomes a company record."), "error")
        return redirect(url_for("pipeline.lead", reference=reference))
    company = operations.company_from_lead(lead, current_user)
    db.session.commit()
    flash(_("The company record is ready: check it and add what the lead did not say."), "success")
    return redirect(url_for("companies.show", company_id=company.id))


# --- importing a list of the FDI enterprises already here (managers) ----------------------------


def _sheet(token: str) -> sheets.Sheet:
    return sheets.kept_sheet(token) or abort(404)


def _language() -> str:
    language = request.values.get("language", "en")
    return language if language in LANGUAGES else "en"


def _mapping(sheet: sheets.Sheet) -> list[str]:
    return sheets.chosen_mapping(request.form, sheet, imports.FIELDS)


def _mapping_page(token: str, sheet: sheets.Sheet, mapping: list[str], rows=None):
    return render_template("leads/companies/import_mapping.html", form=ConfirmForm(), sheet=sheet, token=token,
                           language=_language(), mapping=mapping, fields=imports.FIELDS, rows=rows)


@bp.route("/companies/import", methods=["GET", "POST"])
@staff_required(Role.MANAGER)
def import_upload():
    form = CompanyUploadForm()
    token = sheets.accept_upload(form.file) if form.validate_on_submit() else None
    if token:
        return redirect(url_for("companies.import_mapping", token=token, language=form.language.data))
    return render_template("leads/companies/import_upload.html", form=form), 400 if form.errors else 200


@bp.get("/companies/import/<token>")
@staff_required(Role.MANAGER)
def import_mapping(token: str):
    sheet = _sheet(token)
    return _mapping_page(token, sheet, sheets.guess_mapping(sheet.headers, imports.GUESSES))


@bp.post("/companies/import/<token>/check")
@staff_required(Role.MANAGER)
def import_check(token: str):
    sheet = _sheet(token)
    chosen = _mapping(sheet)
    if "name" not in chosen or "country" not in chosen:
        flash(_("Tell the portal which columns hold the company's name and its country."), "error")
        return redirect(url_for("companies.import_mapping", token=token, language=_language()))
    return _mapping_page(token, sheet, chosen, imports.check_rows(sheet, chosen, _language()))


@bp.post("/companies/import/<token>/run")
@staff_required(Role.MANAGER)
def import_run(token: str):
    sheet = _sheet(token)
    if not ConfirmForm().validate():
        abort(400)
    rows = imports.check_rows(sheet, _mapping(sheet), _language())
    created, projects = imports.import_companies(rows, current_user)
    db.session.commit()
    sheets.discard_upload(token)
    flash(_("Imported: %(created)s new companies, %(projects)s registered projects, %(skipped)s rows skipped.",
            created=created, projects=projects, skipped=sum(not row.valid for row in rows)), "success")
    return redirect(url_for("companies.index"))


# --- the yearly FDI enterprise meeting: an event's invited companies, who came, the issues raised --


def _event(event_id: int) -> Event:
    return db.session.get(Event, event_id) or abort(404)


@bp.get("/events/<int:event_id>/companies")
def event_companies(event_id: int):
    return event_page(_event(event_id))


def event_page(event: Event, issue_form: EventIssueForm | None = None, status: int = 200):
    """The event's page; ``issue_form``: an issue refused, shown again with its messages and what was typed."""
    invited = queries.invited(event.id)
    workable = [link.company for link in invited if can_work_on_company(current_user, link.company)]
    return render_template(
        "leads/companies/event.html", event=event, invited=invited, today=clock.today_in_vietnam(),
        issues=issue_queries.raised_at(event.id, current_user),
        issue_form=issue_form or EventIssueForm(lead_queries.staff_members(), workable),
        invite_form=InviteForm(queries.companies_by_name(), invited) if current_user.can(Role.MANAGER) else None), \
        status


@bp.post("/events/<int:event_id>/companies")
@staff_required(Role.MANAGER)
def invite(event_id: int):
    event = _event(event_id)
    invited = queries.invited(event.id)
    form = InviteForm(queries.companies_by_name(), invited)
    if form.validate():
        added = operations.invite(event, [int(value) for value in form.companies.data], invited, current_user)
        db.session.commit()
        flash(ngettext("%(num)s company invited.", "%(num)s companies invited.", added), "success")
    return redirect(url_for("companies.event_companies", event_id=event.id))


@bp.post("/events/<int:event_id>/attendance")
@staff_required(Role.MANAGER)
def attendance(event_id: int):
    event = _event(event_id)
    if not ConfirmForm().validate():
        abort(400)
    came = {int(value) for value in request.form.getlist("attended") if value.isdigit()}
    operations.record_attendance(event, queries.invited(event.id), came, current_user)
    db.session.commit()
    flash(_("Who came is saved."), "success")
    return redirect(url_for("companies.event_companies", event_id=event.id))
