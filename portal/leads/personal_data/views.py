"""``/staff/data-requests``: people's requests about their personal data, each with its
2-working-day acknowledgement and 15-day deadline shown until done (managers and admins)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from portal import clock
from portal.auth.access import staff_required
from portal.auth.forms import StaffForm
from portal.auth.models import Role
from portal.extensions import db
from portal.form_messages import BAD_EMAIL, REQUIRED
from portal.leads.personal_data import records as personal_data
from portal.leads.models import DATA_REQUEST_LABELS, DataRequest
from portal.leads.pipeline.forms import ContactForm as CorrectionForm

bp = Blueprint("personal_data", __name__, url_prefix="/staff/data-requests")



class DataRequestForm(StaffForm):
    email = EmailField(_l("The person's e-mail address"), [DataRequired(message=REQUIRED), Length(max=254),
                                                            Email(message=BAD_EMAIL, check_deliverability=False)])
    kind = SelectField(_l("What they ask"), choices=[SelectChoice(k.value, v) for k, v in DATA_REQUEST_LABELS.items()])
    channel = StringField(_l("Received by (e-mail, letter, phone ...)"), [Optional(), Length(max=40)])
    notes = TextAreaField(_l("Notes"), [Optional(), Length(max=5000)])


class EraseForm(StaffForm):
    confirm = BooleanField(_l("I checked the request: erase this person's data everywhere"),
                           [DataRequired(message=_l("Tick the box to confirm."))])


class CompleteForm(StaffForm):
    note = StringField(_l("What was done"), [Optional(), Length(max=1000)])


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
        data_request = personal_data.open_request(form.email.data, form.kind.data, form.channel.data or "",
                                                  form.notes.data or "", current_user)
        flash(_("The request is recorded. Acknowledge it within two working days."), "success")
        return redirect(url_for("personal_data.show", request_id=data_request.id))
    return render_template("leads/personal_data/requests.html", form=form, requests=personal_data.requests(),
                           now=clock.now()), 400 if form.errors else 200


@bp.get("/<int:request_id>")
def show(request_id: int):
    data_request = _request_or_404(request_id)
    holdings = personal_data.find(data_request.email)
    corrections = {lead.reference: CorrectionForm(obj=lead, prefix=lead.reference) for lead in holdings.leads}
    return render_template("leads/personal_data/request.html", data_request=data_request, holdings=holdings,
                           corrections=corrections, erase_form=EraseForm(), complete_form=CompleteForm(),
                           now=clock.now())


@bp.post("/<int:request_id>/acknowledge")
def acknowledge(request_id: int):
    personal_data.acknowledge(_request_or_404(request_id), current_user)
    flash(_("Marked as acknowledged."), "success")
    return redirect(url_for("personal_data.show", request_id=request_id))


@bp.get("/<int:request_id>/export.<any(json, csv):fmt>")
def export(request_id: int, fmt: str):
    data_request = _request_or_404(request_id)
    holdings = personal_data.find(data_request.email)
    if fmt == "json":
        body, mimetype = personal_data.as_json(holdings).encode(), "application/json"
    else:
        body, mimetype = personal_data.as_csv(holdings), "text/csv; charset=utf-8"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="personal-data-{data_request.id}.{fmt}"'})


@bp.post("/<int:request_id>/withdraw")
def withdraw(request_id: int):
    data_request = _request_or_404(request_id)
    count = personal_data.withdraw_consent(personal_data.find(data_request.email), current_user)
    flash(_("Consent withdrawn on %(count)s records.", count=count), "success")
    return redirect(url_for("personal_data.show", request_id=data_request.id))


@bp.post("/<int:request_id>/correct/<reference>")
def correct(request_id: int, reference: str):
    data_request = _request_or_404(request_id)
    lead = next((lead for lead in personal_data.find(data_request.email).leads if lead.reference == reference), None)
    lead = lead or abort(404)
    form = CorrectionForm(prefix=reference)
    if form.validate():
        personal_data.correct(lead, {name: (form[name].data or "").strip() for name in personal_data.CORRECTABLE},
                              current_user)
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
    count = personal_data.erase(personal_data.find(data_request.email), current_user)
    flash(_("The person's data is erased from %(count)s leads; the statistics are kept.", count=count), "success")
    return redirect(url_for("personal_data.show", request_id=data_request.id))


@bp.post("/<int:request_id>/complete")
def complete(request_id: int):
    form = CompleteForm()
    form.validate()
    personal_data.complete(_request_or_404(request_id), form.note.data or "", current_user)
    flash(_("The request is done."), "success")
    return redirect(url_for("personal_data.index"))
