"""``/staff/leads/import``: upload a CSV or Excel list of people met at an event, map its
columns, check every row, import the valid ones (managers and administrators)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.access import staff_required
from portal.auth.models import Role
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.leads import operations, queries
from portal.leads.imports import sheets
from portal.leads.imports.forms import ConfirmForm, UploadForm

bp = Blueprint("imports", __name__, url_prefix="/staff/leads/import")


@bp.before_request
@staff_required(Role.MANAGER)
def require_manager():
    """Importing is for managers and administrators."""


def _sheet(token: str) -> sheets.Sheet:
    return sheets.kept_sheet(token) or abort(404)


def _options() -> tuple[object, str]:
    event_id = request.values.get("event", "")
    event = next((e for e in queries.events() if str(e.id) == event_id), None)
    language = request.values.get("language", "en")
    return event, language if language in LANGUAGES else "en"


def _mapping(sheet: sheets.Sheet) -> list[str]:
    return sheets.chosen_mapping(request.form, sheet, sheets.FIELDS)


@bp.route("", methods=["GET", "POST"])
def upload():
    form = UploadForm(queries.events())
    token = sheets.accept_upload(form.file) if form.validate_on_submit() else None
    if token:
        return redirect(url_for("imports.mapping", token=token, event=form.event.data, language=form.language.data))
    return render_template("leads/imports/upload.html", form=form), 400 if form.errors else 200


@bp.get("/<token>")
def mapping(token: str):
    sheet = _sheet(token)
    event, language = _options()
    return render_template("leads/imports/mapping.html", form=ConfirmForm(), sheet=sheet, token=token, event=event,
                           language=language, mapping=sheets.guess_mapping(sheet.headers),
                           fields=sheets.FIELDS, rows=None)


@bp.post("/<token>/check")
def check(token: str):
    sheet = _sheet(token)
    event, language = _options()
    chosen = _mapping(sheet)
    if "name" not in chosen or "email" not in chosen:
        flash(_("Tell the portal which columns hold the name and the e-mail."), "error")
        return redirect(url_for("imports.mapping", token=token, event=event.id if event else "", language=language))
    rows = sheets.check_rows(sheet, chosen, language)
    return render_template("leads/imports/mapping.html", form=ConfirmForm(), sheet=sheet, token=token, event=event,
                           language=language, mapping=chosen, fields=sheets.FIELDS, rows=rows)


@bp.post("/<token>/run")
def run(token: str):
    sheet = _sheet(token)
    event, language = _options()
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    rows = sheets.check_rows(sheet, _mapping(sheet), language)
    created, joined = operations.import_people(sheets.people_to_import(rows, event), event, current_user)
    db.session.commit()
    sheets.discard_upload(token)
    flash(_("Imported: %(created)s new leads, %(joined)s added to existing leads, %(skipped)s rows skipped.",
            created=created, joined=joined, skipped=sum(not row.valid for row in rows)), "success")
    return redirect(url_for("pipeline.leads", event=event.id) if event else url_for("pipeline.leads"))
