"""Sectors and locations, ``/staff/catalogue/sectors`` and ``/locations``: managers keep them current; only administrators delete, and only what nothing uses."""
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
from portal.projects import operations
from portal.projects.models import InvestmentProject, Location, Sector
from portal.projects.operations import NotAllowed
from portal.projects.sectors_locations.forms import LocationForm, SectorForm, reference_fields

bp = Blueprint("sectors_locations", __name__, url_prefix="/staff/catalogue")

#: URL segment → (model, form, audit entity)
LISTS = {"sectors": (Sector, SectorForm, "sector"), "locations": (Location, LocationForm, "location")}
LISTS_URL = "<any(sectors, locations):lists>"


@bp.before_request
@staff_required(Role.MANAGER)
def require_manager():
    """Sectors and locations shape every filter of the public site."""


@bp.get(f"/{LISTS_URL}")
def references(lists: str):
    model, _form, _entity = LISTS[lists]
    rows = db.session.scalars(select(model).order_by(model.position, model.id)).all()
    return render_template("projects/sectors_locations/references.html", lists=lists, rows=rows,
                           in_use=operations.references_in_use(model))


@bp.route(f"/{LISTS_URL}/new", methods=["GET", "POST"])
@bp.route(f"/{LISTS_URL}/<int:row_id>", methods=["GET", "POST"])
def edit_reference(lists: str, row_id: int | None = None):
    model, form_class, entity = LISTS[lists]
    row = db.session.get(model, row_id) or abort(404) if row_id else None
    form = form_class(obj=row)
    if row is not None:
        form.code.data = row.code  # projects, filters and saved searches refer to the code
    if form.validate_on_submit():
        if row is None and db.session.scalar(select(model.id).where(model.code == form.code.data)):
            form.code.errors.append(_("Another entry uses this code."))
        else:
            values = {name: form[name].data for name in reference_fields(form) if row is None or name != "code"}
            row = audit.save_with_audit(model, row, values, entity, current_user.id)
            operations.reindex_projects(getattr(InvestmentProject, f"{entity}_id") == row.id)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("sectors_locations.references", lists=lists))
    return render_template("projects/sectors_locations/reference_form.html", form=form, row=row, lists=lists,
                           languages=LANGUAGES, history=audit.history(entity, row.id) if row else []), \
        400 if form.is_submitted() else 200


@bp.post(f"/{LISTS_URL}/<int:row_id>/delete")
@staff_required(Role.ADMIN)
def delete_reference(lists: str, row_id: int):
    model, _form, _entity = LISTS[lists]
    row = db.session.get(model, row_id) or abort(404)
    try:
        operations.delete_reference(row, current_user)
    except NotAllowed as refusal:
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash(_("Deleted."), "success")
    return redirect(url_for("sectors_locations.references", lists=lists))
