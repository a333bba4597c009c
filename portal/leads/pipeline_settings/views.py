"""Administrators shape the pipeline at ``/staff/stages``: order, names in four languages,
default probability, won and lost flags, and the facts each stage requires. A stage that a
lead has ever been in cannot be deleted. ``/staff/lost-reasons`` manages the list of reasons,
``/staff/holidays`` the public holidays that stop the first-response clock."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import audit
from portal.auth.access import staff_required
from portal.auth.models import Role
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.leads.companies.issues.operations import follow_holidays
from portal.leads.companies.operations import refresh_visit_due_around
from portal.leads.models import Holiday, LostReason, Stage
from portal.leads.operations import recompute_first_response_deadlines
from portal.leads.pipeline_settings.forms import HolidayForm, LostReasonForm, StageEditForm
from portal.leads.queries import stage_in_use

bp = Blueprint("pipeline_settings", __name__, url_prefix="/staff")

STAGE_FIELDS = ("position", "probability", "is_won", "is_lost", "name_vi", "name_en", "name_ko", "name_ja")


@bp.before_request
@staff_required(Role.ADMIN)
def require_admin():
    """Only administrators change the pipeline."""


@bp.get("/stages")
def stages():
    rows = db.session.scalars(select(Stage).order_by(Stage.position, Stage.id)).all()
    return render_template("leads/pipeline_settings/stages.html", stages=rows, in_use={s.id: stage_in_use(s) for s in rows})


@bp.route("/stages/new", methods=["GET", "POST"])
@bp.route("/stages/<int:stage_id>", methods=["GET", "POST"])
def edit_stage(stage_id: int | None = None):
    stage = db.session.get(Stage, stage_id) or abort(404) if stage_id else None
    form = StageEditForm(obj=stage)
    if stage is not None:
        form.code.data = stage.code  # the code never changes: rules and reports refer to it
        if not form.is_submitted():
            form.required_facts.data = stage.facts_required
    if form.validate_on_submit():
        created = stage is None
        if created and db.session.scalar(select(Stage.id).where(Stage.code == form.code.data)):
            form.code.errors.append(_("Another stage uses this code."))
        else:
            values = {name: form[name].data for name in STAGE_FIELDS}
            values["required_facts"] = ",".join(form.required_facts.data or [])
            if created:
                values["code"] = form.code.data
            audit.save_with_audit(Stage, stage, values, "stage", current_user.id)
            db.session.commit()
            flash(_("The stage is saved."), "success")
            return redirect(url_for("pipeline_settings.stages"))
    return render_template("leads/pipeline_settings/stage_form.html", form=form, stage=stage, languages=LANGUAGES), \
        400 if form.is_submitted() else 200


@bp.post("/stages/<int:stage_id>/delete")
def delete_stage(stage_id: int):
    stage = db.session.get(Stage, stage_id) or abort(404)
    if stage_in_use(stage):
        flash(_("This stage is in use by leads or their history, so it cannot be deleted."), "error")
        return redirect(url_for("pipeline_settings.stages"))
    audit.record("stage", stage.id, "delete", {"code": (stage.code, None)}, user_id=current_user.id)
    db.session.delete(stage)
    db.session.commit()
    flash(_("The stage is deleted."), "success")
    return redirect(url_for("pipeline_settings.stages"))


@bp.get("/lost-reasons")
def lost_reasons():
    rows = db.session.scalars(select(LostReason).order_by(LostReason.position, LostReason.id)).all()
    return render_template("leads/pipeline_settings/lost_reasons.html", reasons=rows)


@bp.route("/lost-reasons/new", methods=["GET", "POST"])
@bp.route("/lost-reasons/<int:reason_id>", methods=["GET", "POST"])
def edit_lost_reason(reason_id: int | None = None):
    """Reasons are never deleted (reports count them): an old one is made inactive."""
    reason = db.session.get(LostReason, reason_id) or abort(404) if reason_id else None
    form = LostReasonForm(obj=reason)
    if reason is not None:
        form.code.data = reason.code
    if form.validate_on_submit():
        if reason is None and db.session.scalar(select(LostReason.id).where(LostReason.code == form.code.data)):
            form.code.errors.append(_("Another reason uses this code."))
        else:
            values = {name: form[name].data for name in ("position", "active", *(f"name_{c}" for c in LANGUAGES))}
            if reason is None:
                values["code"] = form.code.data
            audit.save_with_audit(LostReason, reason, values, "lost_reason", current_user.id)
            db.session.commit()
            flash(_("The reason is saved."), "success")
            return redirect(url_for("pipeline_settings.lost_reasons"))
    return render_template("leads/pipeline_settings/lost_reason_form.html", form=form, reason=reason, languages=LANGUAGES), \
        400 if form.is_submitted() else 200


@bp.route("/holidays", methods=["GET", "POST"])
def holidays():
    form = HolidayForm()
    if form.validate_on_submit():
        if db.session.scalar(select(Holiday.id).where(Holiday.day == form.day.data)):
            form.day.errors.append(_("This day is already a holiday."))
        else:
            holiday = audit.save_with_audit(Holiday, None, {"day": form.day.data, "name": form.name.data},
                                            "holiday", current_user.id)
            recompute_first_response_deadlines(holiday.day)
            refresh_visit_due_around(holiday.day)
            follow_holidays(holiday.day, current_user)
            db.session.commit()
            flash(_("The holiday is saved. The first-answer deadlines of open leads, the companies' next visit due days and the open issues' due days now count it."), "success")
            return redirect(url_for("pipeline_settings.holidays"))
    rows = db.session.scalars(select(Holiday).order_by(Holiday.day.desc())).all()
    return render_template("leads/pipeline_settings/holidays.html", form=form, holidays=rows), 400 if form.is_submitted() else 200


@bp.post("/holidays/<int:holiday_id>/delete")
def delete_holiday(holiday_id: int):
    holiday = db.session.get(Holiday, holiday_id) or abort(404)
    day = holiday.day
    audit.record("holiday", holiday.id, "delete", {"day": (day, None), "name": (holiday.name, None)},
                 user_id=current_user.id)
    db.session.delete(holiday)
    db.session.flush()
    recompute_first_response_deadlines(day)
    refresh_visit_due_around(day)
    follow_holidays(day, current_user)
    db.session.commit()
    flash(_("The holiday is removed."), "success")
    return redirect(url_for("pipeline_settings.holidays"))
