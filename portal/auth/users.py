"""Administrators manage the team at ``/staff/users``; invited staff choose their password
through ``/staff/set-password/<token>``."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import func, select

from portal.auth import operations
from portal.auth.access import staff_required
from portal.auth.forms import SetPasswordForm, UserForm
from portal.auth.models import Role, User
from portal.extensions import db

bp = Blueprint("users", __name__, url_prefix="/staff")


def _taken_emails(except_id: int | None) -> set[str]:
    return set(db.session.scalars(select(func.lower(User.email)).where(User.id != (except_id or 0))))


def _values(form: UserForm) -> dict:
    values = {name: form[name].data for name in ("name", "email", "role", "language", "active", "auto_assign",
                                                 "capacity")}
    values["languages"] = ",".join(form.languages.data or [])
    values["countries"] = form.country_codes
    values["name"] = values["name"].strip()
    return values


@bp.get("/users")
@staff_required(Role.ADMIN)
def index():
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("auth/users.html", users=users)


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def edit(user_id: int | None = None):
    user = db.session.get(User, user_id) or abort(404) if user_id else None
    form = UserForm(_taken_emails(user_id), obj=user)
    if user is not None and not form.is_submitted():
        form.languages.data = user.language_list
    if form.validate_on_submit():
        if user is None:
            operations.invite_user(_values(form), current_user)
            flash(_("The invitation is on its way."), "success")
        else:
            if user.id == current_user.id and (form.role.data != Role.ADMIN or not form.active.data):
                flash(_("You cannot take away your own administrator rights."), "error")
                return redirect(url_for("users.edit", user_id=user.id))
            operations.update_user(user, _values(form), current_user)
            flash(_("The account is saved."), "success")
        db.session.commit()
        return redirect(url_for("users.index"))
    return render_template("auth/user_form.html", form=form, user=user), 400 if form.errors else 200


@bp.post("/users/<int:user_id>/password-link")
@staff_required(Role.ADMIN)
def password_link(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    operations.send_password_reset(user, current_user)
    db.session.commit()
    flash(_("A link to choose a new password was sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.post("/users/<int:user_id>/reset-second-step")
@staff_required(Role.ADMIN)
def reset_second_factor(user_id: int):
    """A colleague lost their phone: they set up the authenticator again at their next sign-in."""
    user = db.session.get(User, user_id) or abort(404)
    operations.reset_second_factor(user, current_user)
    db.session.commit()
    flash(_("%(name)s sets up the second step again at the next sign-in.", name=user.name), "success")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    user = operations.user_for_token(token)
    if user is None:
        return render_template("auth/set_password.html", form=None), 404
    form = SetPasswordForm(user.email, user.name)
    if form.validate_on_submit():
        operations.set_password_from_link(user, form.new.data)
        db.session.commit()
        logout_user()
        flash(_("Your password is set. Please log in."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user), 400 if form.errors else 200
