"""Staff accounts: signing in with a password and a second factor, sessions, passwords and the
team's administration. Each change is logged and audited, and flushed: the view commits."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete as sa_delete, func, select

from portal import audit, clock
from portal.auth import passwords, security_log, sessions, two_factor
from portal.auth.models import RecoveryCode, Role, SignInFailure, User
from portal.extensions import db
from portal.links import external_url
from portal.outbox import queue_mail

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
SET_PASSWORD_VALID = timedelta(hours=48)


class AccountError(ValueError):
    pass


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == normalize_email(email))).first()


def create_user(email: str, name: str, role: str, password: str, language: str = "vi") -> User:
    """An account made on the command line; its owner enrols the second factor at first sign-in."""
    if user_by_email(email) is not None:
        raise AccountError(f"a user with the e-mail {email} exists already")
    refused = passwords.problem(password, email, name)
    if refused:
        raise AccountError(str(refused))
    user = User(email=normalize_email(email), name=name.strip(), role=Role(role), language=language)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    current_app.logger.info("user %s created with role %s", user.email, user.role)
    return user


# --- signing in: password, then the second factor ----------------------------------------------


def _failures(user: User, address: str) -> SignInFailure:
    failure = db.session.scalars(select(SignInFailure).where(SignInFailure.user_id == user.id,
                                                             SignInFailure.address == address)).first()
    if failure is None:
        failure = SignInFailure(user_id=user.id, address=address, failures=0)
        db.session.add(failure)
    return failure


def is_locked(user: User, address: str) -> bool:
    """Too many wrong passwords or codes for this account from this address, lately."""
    failure = db.session.scalars(select(SignInFailure).where(SignInFailure.user_id == user.id,
                                                             SignInFailure.address == address)).first()
    locked_until = clock.as_utc(failure.locked_until) if failure else None
    return locked_until is not None and locked_until > clock.now()


def _count_failure(user: User, address: str, step: str) -> None:
    failure = _failures(user, address)
    failure.failures += 1
    security_log.record("sign_in_failed", user, step=step)
    if failure.failures >= MAX_FAILED_ATTEMPTS:
        failure.failures, failure.locked_until = 0, clock.now() + LOCKOUT
        security_log.record("locked_out", user, minutes=int(LOCKOUT.total_seconds() // 60))
    db.session.flush()


def _clear_failures(user: User, address: str) -> None:
    db.session.execute(sa_delete(SignInFailure).where(SignInFailure.user_id == user.id,
                                                      SignInFailure.address == address))


def check_password(email: str, password: str, address: str) -> User | None:
    """The first step: the active account with this password, not locked from this address. A
    wrong password counts against the (account, address) pair only. Old hashes are upgraded."""
    user = user_by_email(email)
    if user is None or not user.active:
        security_log.record("sign_in_failed", email=normalize_email(email)[:254], step="password")
        return None
    if is_locked(user, address):
        security_log.record("sign_in_failed", user, step="locked")
        return None
    if not user.check_password(password):
        _count_failure(user, address, "password")
        return None
    if passwords.needs_rehash(user.password_hash):
        user.set_password(password)
    return user


def check_second_factor(user: User, code: str, address: str) -> bool:
    """The second step: a code from the authenticator (once), or an unused recovery code."""
    if is_locked(user, address):
        security_log.record("sign_in_failed", user, step="locked")
        return False
    step = two_factor.accepted_step(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return True
    recovery = db.session.scalars(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == two_factor.code_hash(code),
        RecoveryCode.used_at.is_(None))).first()
    if recovery is not None:
        recovery.used_at = clock.now()
        security_log.record("recovery_code_used", user)
        return True
    _count_failure(user, address, "code")
    return False


def enrol_second_factor(user: User, secret: str, code: str, address: str) -> list[str] | None:
    """Keep the authenticator's secret once the person proves it works with a code; returns the
    new recovery codes to show once, or None when the code is wrong."""
    step = two_factor.accepted_step(secret, code, 0)
    if step is None:
        _count_failure(user, address, "enrolment")
        return None
    user.totp_secret, user.totp_last_step = secret, step
    codes = two_factor.new_recovery_codes()
    db.session.execute(sa_delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=two_factor.code_hash(code_)) for code_ in codes)
    security_log.record("two_factor_enrolled", user)
    db.session.flush()
    return codes


def sign_in(user: User, address: str) -> str:
    """Both factors passed: a new server-side session; returns its token for the cookie."""
    _clear_failures(user, address)
    user.last_login_at = clock.now()
    token = sessions.start(user, address)
    security_log.record("sign_in", user)
    db.session.flush()
    return token


def sign_out(user: User) -> None:
    sessions.end(user.current_session_token)
    security_log.record("sign_out", user)


def reset_second_factor(user: User, by: User) -> None:
    """An administrator clears a colleague's authenticator (a lost phone): they enrol again at their
    next sign-in, and every session of theirs ends."""
    user.totp_secret, user.totp_last_step = "", 0
    db.session.execute(sa_delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    sessions.end_all(user)
    security_log.record("two_factor_reset", user, by=by)
    db.session.flush()


def remaining_recovery_codes(user: User) -> int:
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id,
                                                                       RecoveryCode.used_at.is_(None)))


def change_password(user: User, password: str) -> None:
    """A new password ends every other session of the user."""
    refused = passwords.problem(password, user.email, user.name)
    if refused:
        raise AccountError(str(refused))
    user.set_password(password)
    sessions.end_all(user, keep=user.current_session_token)
    security_log.record("password_changed", user)
    db.session.flush()


def set_language(user: User, language: str) -> None:
    user.language = language
    db.session.flush()


# --- administrators manage the team -------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_password_token(user: User) -> str:
    """An opaque link token to choose a password: valid 48 hours, once, and it cancels any older one."""
    token = secrets.token_urlsafe(32)
    user.password_token_hash = _token_hash(token)
    user.password_token_expires_at = clock.now() + SET_PASSWORD_VALID
    return token


def user_for_token(token: str) -> User | None:
    if not token:
        return None
    user = db.session.scalars(select(User).where(User.password_token_hash == _token_hash(token))).first()
    expires = clock.as_utc(user.password_token_expires_at) if user else None
    if user is None or not user.active or expires is None or expires <= clock.now():
        return None
    return user


def _send_password_link(user: User, by: User, kind: str) -> None:
    link = external_url("users.set_password", token=new_password_token(user))  # on PORTAL_BASE_URL only
    queue_mail(kind, user.email, user.language, None, user=user, by=by, link=link)


USER_FIELDS = ("name", "email", "role", "language", "active", "auto_assign", "languages", "countries", "capacity")


def invite_user(values: dict, by: User) -> User:
    """A new staff account with no usable password, and an e-mail with a link to choose one."""
    user = User(password_hash="!")
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
        sessions.end_all(user)  # a deactivated account is logged out everywhere
    if changes:
        audit.record("user", user.id, "update", changes, user_id=by.id)
    db.session.flush()


def send_password_reset(user: User, by: User) -> None:
    audit.record("user", user.id, "password_link", {}, user_id=by.id)
    _send_password_link(user, by, "staff_password_reset")
    db.session.flush()


def set_password_from_link(user: User, password: str) -> None:
    """The link's owner chose a password: the link is spent, and every session of theirs ends."""
    refused = passwords.problem(password, user.email, user.name)
    if refused:
        raise AccountError(str(refused))
    user.set_password(password)
    user.password_token_hash, user.password_token_expires_at = "", None
    db.session.execute(sa_delete(SignInFailure).where(SignInFailure.user_id == user.id))
    sessions.end_all(user)
    security_log.record("password_set", user)
    db.session.flush()
