"""``/staff/leads/<reference>/visit``: an officer who may work on the lead proposes, confirms or changes
the site visit; ``.../visit/cancel`` cancels it. Each sends the investor the itinerary and invitation."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.access import staff_required
from portal.extensions import db
from portal.i18n import current_language
from portal.leads import queries
from portal.leads.correspondence.views import writable_lead
from portal.leads.visits.forms import CancelVisitForm, VisitForm, form_data
from portal.leads.visits.operations import cancel_visit, plan_visit

bp = Blueprint("visits", __name__, url_prefix="/staff")


@bp.before_request
@staff_required()
def require_staff():
    """Every page here needs a logged-in staff member."""


@bp.route("/leads/<reference>/visit", methods=["GET", "POST"])
def plan(reference: str):
    lead = writable_lead(reference)
    visit = lead.current_visit
    form = VisitForm(queries.parks_to_visit(), current_language(), data=form_data(lead, visit))
    if form.validate_on_submit():
        visit = plan_visit(lead, form.plan(), current_user, confirm=bool(form.confirm.data))
        db.session.commit()
        flash(_("The site visit is confirmed and the invitation is on its way to the investor.") if form.confirm.data
              else _("The proposed itinerary is on its way to the investor."), "success")
        return redirect(url_for("pipeline.lead", reference=reference, _anchor="timeline"))
    if not form.is_submitted():
        form.add_empty_stops(max(3, len(form.chosen_stops()) + 1))
    return render_template("leads/visits/plan.html", lead=lead, visit=visit, form=form,
                           cancel_form=CancelVisitForm()), 400 if form.is_submitted() else 200


@bp.post("/leads/<reference>/visit/cancel")
def cancel(reference: str):
    lead = writable_lead(reference)
    visit = lead.current_visit or abort(404)
    if not CancelVisitForm().validate_on_submit():
        abort(400)
    cancel_visit(lead, visit, current_user)
    db.session.commit()
    flash(_("The site visit is cancelled; the investor is told and their calendar entry cancelled."), "success")
    return redirect(url_for("pipeline.lead", reference=reference, _anchor="timeline"))
