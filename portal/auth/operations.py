"""Creating staff accounts and checking logins; each change is logged."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from portal import clock
from portal.auth.models import Role, User
from portal.extensions import db

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
    db.session.commit()
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
        db.session.commit()
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = clock.now()
    db.session.commit()
    return user


def change_password(user: User, password: str) -> None:
    """A new password ends every other session of the user (a new session token)."""
    if len(password) < 10:
        raise AccountError("the password must have at least 10 characters")
    user.set_password(password)
    db.session.commit()
    current_app.logger.info("user %s changed their password", user.email)


def set_language(user: User, language: str) -> None:
    user.language = language
    db.session.commit()
