"""Staff sign-in in two steps (password, then the authenticator's code; enrolment the first time),
sign-out and account settings: ``/staff/login``, ``/staff/login/code``, ``/staff/login/enrol``,
``/staff/logout``, ``/staff/account``."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal import clock
from portal.auth import operations, two_factor
from portal.auth.access import staff_required
from portal.auth.forms import CodeForm, LanguageForm, LoginForm, PasswordForm
from portal.auth.models import User
from portal.extensions import db, limiter

bp = Blueprint("auth", __name__, url_prefix="/staff")

#: Between the password and the code: the half-signed-in state lasts this many seconds.
PENDING_SECONDS = 300


def _login_limit() -> str:
    return current_app.config["STAFF_LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    """Only a back-office path of this site: never an open redirect."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/staff"):
        return url_for("pipeline.home")
    return target


def _address() -> str:
    return (request.remote_addr or "")[:45]


def _pending_user() -> User | None:
    """Who passed the password step in this browser, in the last five minutes."""
    pending = session.get("sign_in") or {}
    if clock.now().timestamp() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    return user if user is not None and user.active else None


def _finish_sign_in(user: User) -> str:
    """Both factors passed: a fresh cookie session with the new server-side session's token."""
    target = _safe_next(session.get("sign_in", {}).get("next"))
    operations.sign_in(user, _address())
    db.session.commit()
    session.clear()
    login_user(user)
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pipeline.home"))
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        user = operations.check_password(form.email.data, form.password.data, _address())
        db.session.commit()  # a failed attempt counts towards the lockout too
        if user is not None:
            session["sign_in"] = {"user": user.id, "at": clock.now().timestamp(), "next": request.args.get("next")}
            return redirect(url_for("auth.code" if user.two_factor_enrolled else "auth.enrol"))
        failed = True
    status = 401 if failed else (400 if form.is_submitted() else 200)
    return render_template("auth/login.html", form=form, failed=failed), status


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def code():
    user = _pending_user()
    if user is None or not user.two_factor_enrolled:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if operations.check_second_factor(user, form.code.data, _address()):
            return redirect(_finish_sign_in(user))
        db.session.commit()
        form.code.errors.append(_("This code is not right, or it was used already. Try the next code."))
    return render_template("auth/code.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/login/enrol", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def enrol():
    """The first sign-in (or the first after an administrator reset the second factor)."""
    user = _pending_user()
    if user is None or user.two_factor_enrolled:
        return redirect(url_for("auth.login"))
    pending = session["sign_in"]
    secret = pending.setdefault("secret", two_factor.new_secret())
    session.modified = True
    form = CodeForm()
    if form.validate_on_submit():
        codes = operations.enrol_second_factor(user, secret, form.code.data, _address())
        if codes is not None:
            target = _finish_sign_in(user)
            return render_template("auth/recovery_codes.html", codes=codes, next=target)
        db.session.commit()
        form.code.errors.append(_("This code is not right. Check that the app shows the Invest Portal entry "
                                  "and type its current code."))
    uri = two_factor.setup_uri(secret, user.email)
    return render_template("auth/enrol.html", form=form, secret=secret, qr_code=two_factor.qr_code_data_uri(uri)), \
        400 if form.is_submitted() else 200


@bp.post("/logout")
@staff_required()
def logout():
    operations.sign_out(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@staff_required()
def account():
    language_form = LanguageForm(prefix="language", language=current_user.language)
    password_form = PasswordForm(current_user.email, current_user.name, prefix="password")
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
                flash(_("Your password is changed. You are logged out everywhere else."), "success")
                return redirect(url_for("auth.account"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/account.html", language_form=language_form, password_form=password_form,
                           recovery_codes_left=operations.remaining_recovery_codes(current_user)), status
