"""The catalogue's lists, ``/staff/catalogue/sectors``, ``/locations`` and ``/key-figures``:
managers keep them current; only administrators delete, and only what nothing uses."""
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
from portal.projects import editing
from portal.projects.editing import NotAllowed
from portal.projects.models import InvestmentProject, Location, Sector
from portal.projects.staff_forms import KeyFigureForm, LocationForm, SectorForm, reference_fields
from portal.public.models import KeyFigure

bp = Blueprint("catalogue_lists", __name__, url_prefix="/staff/catalogue")

#: URL segment → (model, form, audit entity)
LISTS = {"sectors": (Sector, SectorForm, "sector"), "locations": (Location, LocationForm, "location")}
LISTS_URL = "<any(sectors, locations):lists>"


@bp.before_request
@staff_required(Role.MANAGER)
def require_manager():
    """Sectors, locations and key figures shape every page of the public site."""


@bp.get(f"/{LISTS_URL}")
def references(lists: str):
    model, _form, _entity = LISTS[lists]
    rows = db.session.scalars(select(model).order_by(model.position, model.id)).all()
    return render_template("staff/catalogue/references.html", lists=lists, rows=rows,
                           in_use=editing.references_in_use(model))


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
            editing.reindex_projects(getattr(InvestmentProject, f"{entity}_id") == row.id)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("catalogue_lists.references", lists=lists))
    return render_template("staff/catalogue/reference_form.html", form=form, row=row, lists=lists,
                           languages=LANGUAGES, history=audit.history(entity, row.id) if row else []), \
        400 if form.is_submitted() else 200


@bp.post(f"/{LISTS_URL}/<int:row_id>/delete")
@staff_required(Role.ADMIN)
def delete_reference(lists: str, row_id: int):
    model, _form, _entity = LISTS[lists]
    row = db.session.get(model, row_id) or abort(404)
    try:
        editing.delete_reference(row, current_user)
    except NotAllowed as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
    else:
        flash(_("Deleted."), "success")
    return redirect(url_for("catalogue_lists.references", lists=lists))


KEY_FIGURE_FIELDS = ("kind", "value", "at_least", "as_of", "source", "position")


@bp.get("/key-figures")
def key_figures():
    rows = db.session.scalars(select(KeyFigure).order_by(KeyFigure.position, KeyFigure.id)).all()
    return render_template("staff/catalogue/key_figures.html", rows=rows)


@bp.route("/key-figures/new", methods=["GET", "POST"])
@bp.route("/key-figures/<int:figure_id>", methods=["GET", "POST"])
def edit_key_figure(figure_id: int | None = None):
    figure = db.session.get(KeyFigure, figure_id) or abort(404) if figure_id else None
    form = KeyFigureForm(obj=figure)
    if form.validate_on_submit():
        other = db.session.scalar(select(KeyFigure.id).where(KeyFigure.kind == form.kind.data))
        if other is not None and (figure is None or other != figure.id):
            form.kind.errors.append(_("This figure is already on the home page: edit it instead."))
        else:
            values = {name: form[name].data for name in KEY_FIGURE_FIELDS}
            audit.save_with_audit(KeyFigure, figure, values, "key_figure", current_user.id)
            flash(_("Saved."), "success")
            return redirect(url_for("catalogue_lists.key_figures"))
    return render_template("staff/catalogue/key_figure_form.html", form=form, figure=figure,
                           history=audit.history("key_figure", figure.id) if figure else []), \
        400 if form.is_submitted() else 200


@bp.post("/key-figures/<int:figure_id>/delete")
def delete_key_figure(figure_id: int):
    figure = db.session.get(KeyFigure, figure_id) or abort(404)
    audit.record("key_figure", figure.id, "delete", {"kind": (figure.kind, None), "value": (figure.value, None)},
                 user_id=current_user.id)
    db.session.delete(figure)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for("catalogue_lists.key_figures"))
