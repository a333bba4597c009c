"""Staff login, logout and account settings: ``/staff/login``, ``/staff/logout``, ``/staff/account``."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.auth import operations
from portal.auth.access import staff_required
from portal.auth.forms import LanguageForm, LoginForm, PasswordForm
from portal.extensions import db, limiter

bp = Blueprint("auth", __name__, url_prefix="/staff")


def _login_limit() -> str:
    return current_app.config["STAFF_LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    """Only a back-office path of this site: never an open redirect."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/staff"):
        return url_for("pipeline.home")
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pipeline.home"))
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        db.session.commit()  # a failed attempt counts towards the lockout too
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        failed = True
    status = 401 if failed else (400 if form.is_submitted() else 200)
    return render_template("auth/login.html", form=form, failed=failed), status


@bp.post("/logout")
@staff_required()
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@staff_required()
def account():
    language_form = LanguageForm(prefix="language", language=current_user.language)
    password_form = PasswordForm(prefix="password")
    if request.method == "POST":
        if "language-language" in request.form and language_form.validate_on_submit():
            operations.set_language(current_user, language_form.language.data)
            db.session.commit()
            flash(_("Your language is saved."), "success")
            return redirect(url_for("auth.account"))
        if "password-new" in request.form and password_form.validate_on_submit():
            if not current_user.check_password(password_form.current.data):
                password_form.current.errors.append(_("This is not your current password."))
            else:
                operations.change_password(current_user, password_form.new.data)
                db.session.commit()
                login_user(current_user._get_current_object())  # this session goes on with the new token
                flash(_("Your password is changed. You are logged out everywhere else."), "success")
                return redirect(url_for("auth.account"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/account.html", language_form=language_form, password_form=password_form), status
