"""The back office for leads: ``/staff/`` (today), ``/staff/leads`` (list), ``/staff/leads/board``
(kanban) and ``/staff/leads/<reference>`` (a lead, its timeline and the actions on it)."""
from __future__ import annotations

from datetime import timedelta

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request,
                   send_from_directory,
                   url_for)
from flask_babel import gettext as _, ngettext
from flask_login import current_user

from portal import clock
from portal.auth.access import staff_required
from portal.auth.models import Role
from portal.clean_input import clean_line, page_number
from portal.extensions import db
from portal.i18n import current_language, format_items
from portal.leads import operations, queries
from portal.leads.companies import queries as company_queries
from portal.leads.models import ActivityKind, InvestorDocument, Lead, LeadStatus
from portal.leads.partners.forms import LeadEventForm
from portal.leads.pipeline import export
from portal.leads.pipeline.forms import (
    ActivityForm,
    AssignForm,
    BulkForm,
    LeadEditForm,
    LeadFilterForm,
    MergeForm,
    SavedFilterForm,
    StageForm,
    TagsForm,
    TaskForm,
)
from portal.leads.reports.dashboard import pipeline_at_a_glance
from portal.leads.rules.access import can_complete_task, can_see_contact, can_work_on
from portal.leads.rules.stage_facts import MissingFacts
from portal.leads.rules.tags import parse_tags
from portal.links import staff_back
from portal.money import millions_from_usd
from portal.projects import queries as catalogue

bp = Blueprint("pipeline", __name__, url_prefix="/staff")


@bp.before_request
@staff_required()
def require_staff():
    """Every page of this blueprint needs a logged-in staff member."""


def _lead_or_404(reference: str) -> Lead:
    return queries.lead_by_reference(reference) or abort(404)


def _workable_lead(reference: str) -> Lead:
    lead = _lead_or_404(reference)
    if not can_work_on(current_user, lead):
        abort(403)
    return lead


@bp.get("/")
def home():
    return render_template(
        "leads/pipeline/home.html",
        tasks=queries.open_tasks_for(current_user, clock.today_in_vietnam()),
        overdue=queries.overdue_leads_of(current_user),
        waiting=queries.waiting_leads(),
        glance=pipeline_at_a_glance() if current_user.can(Role.MANAGER) else None,
        today=clock.today_in_vietnam(),
        now=clock.now(),
    )


def _filter_form(stages=None, users=None) -> LeadFilterForm:
    return LeadFilterForm(request.args, queries.stages() if stages is None else stages,
                          queries.staff_members() if users is None else users, queries.referrers(),
                          queries.events(), catalogue.sectors(), current_language(), queries.tags())


@bp.get("/leads")
def leads():
    stages, users = queries.stages(), queries.staff_members()
    form = _filter_form(stages, users)
    page = queries.search_leads(form.filters(), current_user, page_number(), 25)
    query = request.query_string.decode()
    return render_template(
        "leads/pipeline/leads.html", form=form, page=page, now=clock.now(), today=clock.today_in_vietnam(),
        next_steps=queries.next_steps(page.items),
        bulk_form=BulkForm(users, stages, current_language(), prefix="bulk"),
        saved=queries.saved_filters(current_user), save_form=SavedFilterForm(query=query, prefix="save"),
        query=query,
    )


def _download(leads: list[Lead], fmt: str) -> Response:
    stamp = clock.file_stamp()
    if fmt == "xlsx":
        body, mimetype = export.to_xlsx(leads, current_language(), current_user), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, mimetype = export.to_csv(leads, current_language(), current_user), "text/csv; charset=utf-8"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="leads-{stamp}.{fmt}"'})


@bp.get("/leads/export.<any(csv, xlsx):fmt>")
@staff_required(Role.MANAGER)
def export_leads(fmt: str):
    """The current filtered list, every page of it."""
    leads = queries.leads_for_export(current_user, _filter_form().filters())
    operations.record_export(len(leads), request.query_string.decode(), current_user)
    db.session.commit()
    return _download(leads, fmt)


@bp.post("/leads/bulk")
def bulk():
    users, stages = queries.staff_members(), queries.stages()
    form = BulkForm(users, stages, current_language(), prefix="bulk")
    references = [clean_line(reference) for reference in request.form.getlist("lead")[:500]]
    back = staff_back(url_for("pipeline.leads"))
    if not form.validate() or not references:
        flash(_("Tick at least one lead, then choose what to do."), "error")
        return redirect(back)
    if form.action.data in ("assign", "export") and not current_user.can(Role.MANAGER):
        abort(403)
    chosen = queries.leads_for_export(current_user, references=references)
    if form.action.data == "tag":
        names = parse_tags(form.tag.data or "")[:1]
        if not names:
            flash(_("Type the tag to add."), "error")
            return redirect(back)
        workable = [lead for lead in chosen if can_work_on(current_user, lead)]
        added = operations.add_tag(workable, names[0], current_user)
        db.session.commit()
        flash(ngettext("%(num)s lead tagged.", "%(num)s leads tagged.", added), "success")
        return redirect(back)
    if form.action.data == "export":
        operations.record_export(len(chosen), "bulk", current_user)
        db.session.commit()
        return _download(chosen, "csv")
    if form.action.data == "assign":
        owner = next((u for u in users if str(u.id) == form.owner.data), None)
        if owner is None and form.owner.data:
            abort(400)
        for lead in chosen:
            operations.assign(lead, owner, current_user)
        db.session.commit()
        flash(ngettext("%(num)s lead assigned.", "%(num)s leads assigned.", len(chosen)), "success")
        return redirect(back)
    stage = next((s for s in stages if str(s.id) == form.stage.data), None) or abort(400)
    moved, blocked = 0, []
    for lead in chosen:
        if not can_work_on(current_user, lead):
            blocked.append(lead.reference)
            continue
        try:
            operations.move_to_stage(lead, stage, current_user)
            moved += 1
        except MissingFacts:
            blocked.append(lead.reference)
    db.session.commit()
    flash(ngettext("%(num)s lead moved.", "%(num)s leads moved.", moved), "success")
    if blocked:
        flash(_("Not moved, because the stage needs facts they lack or they are not yours: %(refs)s.",
                refs=", ".join(blocked)), "error")
    return redirect(back)


@bp.post("/leads/saved")
def save_filter():
    form = SavedFilterForm(prefix="save")
    if form.validate():
        operations.save_filter(current_user, form.name.data.strip(), form.query.data or "")
        db.session.commit()
        flash(_("The search is saved."), "success")
    else:
        flash(_("Give the search a name to save it."), "error")
    return redirect(url_for("pipeline.leads") + (f"?{form.query.data}" if form.query.data else ""))


@bp.post("/leads/saved/<int:filter_id>/delete")
def delete_filter(filter_id: int):
    saved = queries.saved_filter(filter_id, current_user) or abort(404)
    operations.delete_filter(saved)
    db.session.commit()
    flash(_("The saved search is deleted."), "success")
    return redirect(url_for("pipeline.leads"))


@bp.get("/leads/board")
def board():
    form = _filter_form()
    columns = queries.board(form.filters(), current_user, current_app.config["BOARD_CARDS_PER_STAGE"])
    stages = [column.stage for column in columns]
    move_form = BulkForm([], stages, current_language(), prefix="bulk", action="stage")
    return render_template("leads/pipeline/board.html", form=form, columns=columns, stages=stages,
                           move_form=move_form, now=clock.now())


def _lead_page(lead: Lead, status: int = 200, **forms):
    users, stages = queries.staff_members(), queries.stages()
    can_see = can_see_contact(current_user, lead)
    forms.setdefault("activity_form", ActivityForm())
    forms.setdefault("assign_form", AssignForm(users, owner=str(lead.owner_id or "")))
    forms.setdefault("stage_form", StageForm(stages, queries.lost_reasons(), current_language(), catalogue.sectors(),
                                             stage=str(lead.stage_id),
                                             data={"sectors": [sector.code for sector in lead.sectors]}))
    forms.setdefault("task_form", TaskForm(users, assignee=str(current_user.id),
                                           due_date=clock.today_in_vietnam() + timedelta(days=2)))
    forms.setdefault("event_form", LeadEventForm(queries.events(), event=str(lead.event_id or "")))
    forms.setdefault("tags_form", TagsForm(tags=", ".join(tag.name for tag in lead.tags)))
    # Duplicates are found by e-mail, domain and phone: only for a reader who may see those
    forms.setdefault("duplicates", queries.possible_duplicates(lead)
                     if can_see and lead.status != LeadStatus.MERGED else [])
    return render_template("leads/pipeline/lead.html", lead=lead, stages={s.id: s for s in stages},
                           users={u.id: u for u in users}, can_work=can_work_on(current_user, lead),
                           can_see=can_see, company_link=company_queries.company_of_lead(lead),
                           scheduled=queries.waiting_follow_ups(lead),
                           now=clock.now(), today=clock.today_in_vietnam(), **forms), status


@bp.get("/leads/<reference>")
def lead(reference: str):
    return _lead_page(_lead_or_404(reference))


@bp.get("/leads/<reference>/documents/<int:document_id>")
def investor_document(reference: str, document_id: int):
    """A document the investor added on their private page, for whoever may read the lead's messages."""
    lead = _lead_or_404(reference)
    if not can_see_contact(current_user, lead):
        abort(403)
    document = db.session.get(InvestorDocument, document_id)
    if document is None or document.lead_id != lead.id:
        abort(404)
    return send_from_directory(current_app.config["LEAD_DOCUMENT_DIR"], document.stored_name,
                               mimetype=document.content_type, as_attachment=True,
                               download_name=document.original_name or document.stored_name)


@bp.route("/leads/<reference>/edit", methods=["GET", "POST"])
def edit_lead(reference: str):
    lead = _workable_lead(reference)
    sectors = catalogue.sectors()
    form = LeadEditForm(sectors, current_language(), obj=lead)
    if not form.is_submitted():
        form.sectors.data = [sector.code for sector in lead.sectors]
        form.estimated_investment.data = millions_from_usd(lead.estimated_investment_usd)
    if form.validate_on_submit():
        chosen = [sector for sector in sectors if sector.code in (form.sectors.data or [])]
        operations.update_lead(lead, form.values(), chosen, current_user)
        db.session.commit()
        flash(_("The lead is saved."), "success")
        return redirect(url_for("pipeline.lead", reference=reference))
    return render_template("leads/pipeline/lead_edit.html", lead=lead, form=form), 400 if form.is_submitted() else 200


@bp.post("/leads/<reference>/tags")
def tag(reference: str):
    lead = _workable_lead(reference)
    form = TagsForm()
    if not form.validate():
        return _lead_page(lead, 400, tags_form=form)
    operations.set_tags(lead, parse_tags(form.tags.data or ""), current_user)
    db.session.commit()
    flash(_("The tags are saved."), "success")
    return redirect(url_for("pipeline.lead", reference=reference))


@bp.post("/leads/<reference>/activities")
def log_activity(reference: str):
    lead = _workable_lead(reference)
    form = ActivityForm()
    if not form.validate():
        return _lead_page(lead, 400, activity_form=form)
    operations.log_activity(lead, ActivityKind(form.kind.data), form.body.data.strip(), current_user)
    db.session.commit()
    flash(_("Added to the timeline."), "success")
    return redirect(url_for("pipeline.lead", reference=reference, _anchor="timeline"))


@bp.post("/leads/<reference>/assign")
def assign(reference: str):
    lead = _lead_or_404(reference)
    users = queries.staff_members()
    form = AssignForm(users)
    if not form.validate():
        return _lead_page(lead, 400, assign_form=form)
    owner = next((u for u in users if str(u.id) == form.owner.data), None)
    taking_it_myself = lead.owner_id is None and owner is not None and owner.id == current_user.id
    if not (current_user.can(Role.MANAGER) or taking_it_myself):
        abort(403)
    operations.assign(lead, owner, current_user)
    db.session.commit()
    flash(_("The owner is saved."), "success")
    return redirect(url_for("pipeline.lead", reference=reference))


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@bp.post("/leads/<reference>/stage")
def move(reference: str):
    """Move a lead: from the lead page, a board card's selector, or the board's drag and drop."""
    lead = _workable_lead(reference)
    stages = queries.stages()
    sectors = catalogue.sectors()
    form = StageForm(stages, queries.lost_reasons(), current_language(), sectors)
    stage = next((s for s in stages if str(s.id) == form.stage.data), None)
    if not form.validate() or stage is None:
        if _wants_json():
            return jsonify(ok=False, message=_("Please check the form.")), 400
        return _lead_page(lead, 400, stage_form=form)
    facts = form.stage_facts(sectors, queries.lost_reasons())
    try:
        operations.move_to_stage(lead, stage, current_user, facts)
    except MissingFacts as missing:
        message = _("Before moving to %(stage)s, give %(facts)s.", stage=stage.name(current_language()),
                    facts=format_items(missing.labels))
        if _wants_json():
            return jsonify(ok=False, message=message, lead_url=url_for("pipeline.lead", reference=reference,
                                                                       _anchor="stage")), 409
        form.stage.errors.append(message)
        return _lead_page(lead, 409, stage_form=form)
    db.session.commit()
    moved = _("Moved to %(stage)s.", stage=stage.name(current_language()))
    if _wants_json():
        return jsonify(ok=True, stage=stage.id, message=moved)
    flash(moved, "success")
    return redirect(staff_back(url_for("pipeline.lead", reference=reference)))


@bp.post("/leads/<reference>/tasks")
def add_task(reference: str):
    lead = _workable_lead(reference)
    users = queries.staff_members()
    form = TaskForm(users)
    if not form.validate():
        return _lead_page(lead, 400, task_form=form)
    assignee = next(u for u in users if str(u.id) == form.assignee.data)
    operations.add_task(lead, form.title.data.strip(), form.due_date.data, assignee, current_user)
    db.session.commit()
    flash(_("The task is added."), "success")
    return redirect(url_for("pipeline.lead", reference=reference, _anchor="tasks"))


@bp.post("/tasks/<int:task_id>/done")
def complete_task(task_id: int):
    task = queries.task_by_id(task_id)
    if task is None or task.lead is None:  # a company's task is done on its page (``companies.complete_task``)
        abort(404)
    if not can_complete_task(current_user, task):
        abort(403)
    operations.complete_task(task, current_user)
    db.session.commit()
    flash(_("Task done."), "success")
    return redirect(staff_back(url_for("pipeline.lead", reference=task.lead.reference)))


@bp.route("/leads/<reference>/merge/<other>", methods=["GET", "POST"])
def merge(reference: str, other: str):
    """Compare a lead with a possible duplicate, choose the surviving values, merge."""
    survivor, duplicate = _workable_lead(reference), _workable_lead(other)
    if survivor.id == duplicate.id or LeadStatus.MERGED in (survivor.status, duplicate.status):
        abort(400)
    form = MergeForm()
    if form.validate_on_submit():
        taken = {name for name in operations.MERGEABLE_FIELDS if request.form.get(name) == "duplicate"}
        operations.merge_leads(survivor, duplicate, taken, current_user)
        db.session.commit()
        flash(_("%(other)s is merged into this lead.", other=duplicate.reference), "success")
        return redirect(url_for("pipeline.lead", reference=reference))
    return render_template("leads/pipeline/merge.html", form=form, survivor=survivor, duplicate=duplicate,
                           fields=operations.MERGEABLE_FIELDS)
