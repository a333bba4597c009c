"""Creating and managing staff accounts and checking logins; each change is logged and audited."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from portal import audit, clock
from portal.auth.models import Role, User
from portal.extensions import db
from portal.outbox import queue_mail

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


class AccountError(ValueError):
    pass


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == normalize_email(email))).first()


def create_user(email: str, name: str, role: str, password: str, language: str = "vi") -> User:
    if user_by_email(email) is not None:
        raise AccountError(f"a user with the e-mail {email} exists already")
    if len(password) < 10:
        raise AccountError("the password must have at least 10 characters")
    user = User(email=normalize_email(email), name=name.strip(), role=Role(role), language=language)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    current_app.logger.info("user %s created with role %s", user.email, user.role)
    return user


def is_locked(user: User) -> bool:
    locked_until = clock.as_utc(user.locked_until)
    return locked_until is not None and locked_until > clock.now()


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials; repeated failures lock the account for a while."""
    user = user_by_email(email)
    if user is None or not user.active:
        return None
    if is_locked(user):
        return None
    if not user.check_password(password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = clock.now() + LOCKOUT
            user.failed_logins = 0
            current_app.logger.warning("user %s locked after %s failed logins", user.email, MAX_FAILED_LOGINS)
        db.session.flush()
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = clock.now()
    db.session.flush()
    return user


def change_password(user: User, password: str) -> None:
    """A new password ends every other session of the user (a new session token)."""
    if len(password) < 10:
        raise AccountError("the password must have at least 10 characters")
    user.set_password(password)
    db.session.flush()
    current_app.logger.info("user %s changed their password", user.email)


def set_language(user: User, language: str) -> None:
    user.language = language
    db.session.flush()


# --- administrators manage the team -------------------------------------------------------------

_SET_PASSWORD_SALT = "portal-set-password"
SET_PASSWORD_VALID = timedelta(days=7)


def set_password_token(user: User) -> str:
    """A link to choose a password; it stops working once a password is set (new session token)."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SET_PASSWORD_SALT).dumps(
        {"user": user.id, "session": user.session_token})


def user_for_token(token: str) -> User | None:
    try:
        data = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SET_PASSWORD_SALT).loads(
            token, max_age=int(SET_PASSWORD_VALID.total_seconds()))
    except BadSignature:
        return None
    user = db.session.get(User, data.get("user"))
    if user is None or not user.active or user.session_token != data.get("session"):
        return None
    return user


def _send_password_link(user: User, by: User, kind: str) -> None:
    from portal.links import external_url  # the link is on PORTAL_BASE_URL, never on the request's Host

    link = external_url("users.set_password", token=set_password_token(user))
    queue_mail(kind, user.email, user.language, None, user=user, by=by, link=link)


USER_FIELDS = ("name", "email", "role", "language", "active", "auto_assign", "languages", "countries", "capacity")


def invite_user(values: dict, by: User) -> User:
    """A new staff account with no usable password, and an e-mail with a link to choose one."""
    user = User(password_hash="!")
    user.set_password(secrets.token_urlsafe(32))
    for name in USER_FIELDS:
        setattr(user, name, values[name])
    user.email = normalize_email(user.email)
    db.session.add(user)
    db.session.flush()
    audit.record("user", user.id, "invite", {name: (None, values[name]) for name in USER_FIELDS}, user_id=by.id)
    _send_password_link(user, by, "staff_invitation")
    db.session.flush()
    return user


def update_user(user: User, values: dict, by: User) -> None:
    values = dict(values, email=normalize_email(values["email"]))
    changes = {name: (getattr(user, name), values[name]) for name in USER_FIELDS if getattr(user, name) != values[name]}
    for name, (_old, new) in changes.items():
        setattr(user, name, new)
    if "active" in changes and not user.active:
        user.session_token = secrets.token_urlsafe(24)  # a deactivated account is logged out everywhere
    if changes:
        audit.record("user", user.id, "update", changes, user_id=by.id)
    db.session.flush()


def send_password_reset(user: User, by: User) -> None:
    audit.record("user", user.id, "password_link", {}, user_id=by.id)
    _send_password_link(user, by, "staff_password_reset")
    db.session.flush()


def set_password_from_link(user: User, password: str) -> None:
    user.set_password(password)
    user.failed_logins, user.locked_until = 0, None
    audit.record("user", user.id, "set_password", {}, user_id=user.id)
    db.session.flush()
