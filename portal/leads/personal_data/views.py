"""``/staff/data-requests``: people's requests about their personal data, each with its
2-working-day acknowledgement and 15-day deadline shown until done (managers and admins)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.auth import security_log
from portal.auth.access import staff_required
from portal.auth.models import Role
from portal.extensions import db
from portal.leads.models import DataRequest
from portal.leads.personal_data import operations, records
from portal.leads.personal_data.forms import CompleteForm, CorrectionForm, DataRequestForm, EraseForm

bp = Blueprint("personal_data", __name__, url_prefix="/staff/data-requests")



@bp.before_request
@staff_required(Role.MANAGER)
def require_manager():
    """Personal data requests are handled by managers and administrators."""


def _request_or_404(request_id: int) -> DataRequest:
    return db.session.get(DataRequest, request_id) or abort(404)


@bp.route("", methods=["GET", "POST"])
def index():
    form = DataRequestForm()
    if form.validate_on_submit():
        data_request = operations.open_request(form.email.data, form.kind.data, form.channel.data or "",
                                               form.notes.data or "", current_user)
        db.session.commit()
        flash(_("The request is recorded. Acknowledge it within two working days."), "success")
        return redirect(url_for("personal_data.show", request_id=data_request.id))
    return render_template("leads/personal_data/requests.html", form=form, requests=records.requests(),
                           now=clock.now()), 400 if form.errors else 200


@bp.get("/<int:request_id>")
def show(request_id: int):
    data_request = _request_or_404(request_id)
    holdings = records.find(data_request.email)
    corrections = {lead.reference: CorrectionForm(obj=lead, prefix=lead.reference) for lead in holdings.leads}
    return render_template("leads/personal_data/request.html", data_request=data_request, holdings=holdings,
                           corrections=corrections, erase_form=EraseForm(), complete_form=CompleteForm(),
                           now=clock.now())


@bp.post("/<int:request_id>/acknowledge")
def acknowledge(request_id: int):
    operations.acknowledge(_request_or_404(request_id), current_user)
    db.session.commit()
    flash(_("Marked as acknowledged."), "success")
    return redirect(url_for("personal_data.show", request_id=request_id))


@bp.get("/<int:request_id>/export.<any(json, csv):fmt>")
def export(request_id: int, fmt: str):
    data_request = _request_or_404(request_id)
    holdings = records.find(data_request.email)
    security_log.record("export", current_user, what="personal_data", data_request=data_request.id, format=fmt)
    if fmt == "json":
        body, mimetype = records.as_json(holdings).encode(), "application/json"
    else:
        body, mimetype = records.as_csv(holdings), "text/csv; charset=utf-8"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="personal-data-{data_request.id}.{fmt}"'})


@bp.post("/<int:request_id>/withdraw")
def withdraw(request_id: int):
    data_request = _request_or_404(request_id)
    count = operations.withdraw_consent(records.find(data_request.email), current_user)
    db.session.commit()
    flash(_("Consent withdrawn on %(count)s records.", count=count), "success")
    return redirect(url_for("personal_data.show", request_id=data_request.id))


@bp.post("/<int:request_id>/correct/<reference>")
def correct(request_id: int, reference: str):
    data_request = _request_or_404(request_id)
    lead = next((lead for lead in records.find(data_request.email).leads if lead.reference == reference), None)
    lead = lead or abort(404)
    form = CorrectionForm(prefix=reference)
    if form.validate():
        operations.correct(lead, {name: (form[name].data or "").strip() for name in operations.CORRECTABLE},
                           current_user)
        db.session.commit()
        flash(_("The data is corrected."), "success")
    else:
        flash(_("Please check the corrected data: %(errors)s", errors="; ".join(
            f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items())), "error")
    if lead.email_normalized != data_request.email:
        return redirect(url_for("personal_data.index"))
    return redirect(url_for("personal_data.show", request_id=data_request.id))


@bp.post("/<int:request_id>/erase")
def erase(request_id: int):
    data_request = _request_or_404(request_id)
    form = EraseForm()
    if not form.validate():
        flash(_("Tick the box to confirm."), "error")
        return redirect(url_for("personal_data.show", request_id=data_request.id))
    count = operations.erase(records.find(data_request.email), current_user)
    db.session.commit()
    flash(_("The person's data is erased from %(count)s leads; the statistics are kept.", count=count), "success")
    return redirect(url_for("personal_data.show", request_id=data_request.id))


@bp.post("/<int:request_id>/complete")
def complete(request_id: int):
    form = CompleteForm()
    form.validate()
    operations.complete(_request_or_404(request_id), form.note.data or "", current_user)
    db.session.commit()
    flash(_("The request is done."), "success")
    return redirect(url_for("personal_data.index"))
