"""Referrers and events in the back office: ``/staff/referrers`` and ``/staff/events``."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.access import staff_required
from portal.auth.models import Role
from portal.extensions import db
from portal.i18n import current_language
from portal.leads import operations, queries
from portal.leads.models import Event, Referrer
from portal.leads.partners.forms import EventForm, LeadEventForm, ReferrerForm
from portal.leads.rules.access import can_work_on

bp = Blueprint("partners", __name__, url_prefix="/staff")

REFERRER_FIELDS = ("name", "organisation", "kind", "country", "email", "preferred_language", "code", "active",
                   "wants_updates")
EVENT_FIELDS = ("name", "kind", "starts_on", "ends_on", "place", "country", "notes")


@bp.before_request
@staff_required()
def require_staff():
    """Every page here needs a logged-in staff member; changes need a manager."""


@bp.get("/referrers")
def referrers():
    return render_template("leads/partners/referrers.html", tallies=queries.referrer_tallies())


@bp.route("/referrers/new", methods=["GET", "POST"])
@bp.route("/referrers/<int:referrer_id>", methods=["GET", "POST"])
@staff_required(Role.MANAGER)
def edit_referrer(referrer_id: int | None = None):
    referrer = db.session.get(Referrer, referrer_id) or abort(404) if referrer_id else None
    form = ReferrerForm(current_language(), queries.referrer_codes(referrer_id), obj=referrer)
    if form.validate_on_submit():
        values = {name: form[name].data for name in REFERRER_FIELDS}
        values["email"] = (values["email"] or "").strip().lower()
        operations.save_referrer(referrer, values, current_user)
        db.session.commit()
        flash(_("The referrer is saved."), "success")
        return redirect(url_for("partners.referrers"))
    return render_template("leads/partners/referrer_form.html", form=form, referrer=referrer), 400 if form.errors else 200


@bp.get("/events")
def events():
    return render_template("leads/partners/events.html", tallies=queries.event_tallies())


@bp.route("/events/new", methods=["GET", "POST"])
@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@staff_required(Role.MANAGER)
def edit_event(event_id: int | None = None):
    event = db.session.get(Event, event_id) or abort(404) if event_id else None
    form = EventForm(current_language(), obj=event)
    if form.validate_on_submit():
        operations.save_event(event, {name: form[name].data for name in EVENT_FIELDS}, current_user)
        db.session.commit()
        flash(_("The event is saved."), "success")
        return redirect(url_for("partners.events"))
    return render_template("leads/partners/event_form.html", form=form, event=event), 400 if form.errors else 200


@bp.post("/leads/<reference>/event")
def link_event(reference: str):
    lead = queries.lead_by_reference(reference) or abort(404)
    if not can_work_on(current_user, lead):
        abort(403)
    all_events = queries.events()
    form = LeadEventForm(all_events)
    if form.validate():
        event = next((e for e in all_events if str(e.id) == form.event.data), None)
        operations.link_event(lead, event, current_user)
        db.session.commit()
        flash(_("The event is saved."), "success")
    return redirect(url_for("pipeline.lead", reference=reference))
