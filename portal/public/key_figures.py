"""The home page's key figures, ``/staff/catalogue/key-figures``: managers keep each one with its
date and source, so the public site never shows a number nobody can trace; only administrators delete."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import audit
from portal.auth.access import staff_required
from portal.auth.models import Role
from portal.extensions import db
from portal.public.forms import KeyFigureForm
from portal.public.models import KeyFigure

bp = Blueprint("key_figures", __name__, url_prefix="/staff/catalogue/key-figures")


@bp.before_request
@staff_required(Role.MANAGER)
def require_manager():
    """The key figures are the first numbers an investor reads on the home page."""


KEY_FIGURE_FIELDS = ("kind", "value", "at_least", "as_of", "source", "position")


@bp.get("")
def index():
    rows = db.session.scalars(select(KeyFigure).order_by(KeyFigure.position, KeyFigure.id)).all()
    return render_template("public/key_figures.html", rows=rows)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:figure_id>", methods=["GET", "POST"])
def edit(figure_id: int | None = None):
    figure = db.session.get(KeyFigure, figure_id) or abort(404) if figure_id else None
    form = KeyFigureForm(obj=figure)
    if form.validate_on_submit():
        other = db.session.scalar(select(KeyFigure.id).where(KeyFigure.kind == form.kind.data))
        if other is not None and (figure is None or other != figure.id):
            form.kind.errors.append(_("This figure is already on the home page: edit it instead."))
        else:
            values = {name: form[name].data for name in KEY_FIGURE_FIELDS}
            audit.save_with_audit(KeyFigure, figure, values, "key_figure", current_user.id)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("key_figures.index"))
    return render_template("public/key_figure_form.html", form=form, figure=figure,
                           history=audit.history("key_figure", figure.id) if figure else []), \
        400 if form.is_submitted() else 200


@bp.post("/<int:figure_id>/delete")
@staff_required(Role.ADMIN)
def delete(figure_id: int):
    """Only administrators delete, as everywhere in the catalogue: managers correct a figure instead."""
    figure = db.session.get(KeyFigure, figure_id) or abort(404)
    audit.record("key_figure", figure.id, "delete", {"kind": (figure.kind, None), "value": (figure.value, None)},
                 user_id=current_user.id)
    db.session.delete(figure)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for("key_figures.index"))
