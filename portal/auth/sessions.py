"""Staff sign-in sessions kept on the server: the cookie only carries a random token. A session
ends at logout, after ``SESSION_IDLE_MINUTES`` without a request, ``SESSION_MAX_HOURS`` after
sign-in, and for every browser of a person whose password changes or whose account is closed."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from portal import clock
from portal.auth.models import StaffSession, User
from portal.extensions import db

#: A session's last-seen time is written at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, address: str) -> str:
    """A new session for ``user``; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    db.session.add(StaffSession(token_hash=_hash(token), user_id=user.id, started_at=now, last_seen_at=now,
                                address=address[:45]))
    user.current_session_token = token
    return token


def _expired(staff_session: StaffSession, now) -> bool:
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    lifetime = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    return (clock.as_utc(staff_session.last_seen_at) + idle <= now
            or clock.as_utc(staff_session.started_at) + lifetime <= now)


def user_for(token: str) -> tuple[User | None, bool]:
    """The active staff member whose live session this token opens (or None), and whether the
    session was changed: an expired one is ended, a live one marked as seen (flushed; the
    request's loader commits)."""
    if not token:
        return None, False
    row = db.session.execute(select(StaffSession, User).join(User, User.id == StaffSession.user_id)
                             .where(StaffSession.token_hash == _hash(token))).first()
    if row is None:
        return None, False
    staff_session, user = row
    now = clock.now()
    if not user.active or _expired(staff_session, now):
        db.session.delete(staff_session)
        db.session.flush()
        return None, True
    touched = clock.as_utc(staff_session.last_seen_at) + TOUCH_EVERY <= now
    if touched:
        staff_session.last_seen_at = now
        db.session.flush()
    user.current_session_token = token
    return user, touched


def end(token: str) -> None:
    db.session.execute(delete(StaffSession).where(StaffSession.token_hash == _hash(token)))


def end_all(user: User, keep: str = "") -> None:
    """End every session of ``user`` (but the one whose token is ``keep``)."""
    stmt = delete(StaffSession).where(StaffSession.user_id == user.id)
    if keep:
        stmt = stmt.where(StaffSession.token_hash != _hash(keep))
    db.session.execute(stmt)
