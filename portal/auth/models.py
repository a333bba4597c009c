"""Staff accounts of the promotion centre, their sign-in sessions and second factor."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.auth import passwords
from portal.extensions import db
from portal.model_mixins import TimestampMixin


class Role(enum.StrEnum):
    """What a staff member may do; each role can do everything the ones below it can."""

    OFFICER = "officer"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.OFFICER: _l("Investment officer"),
    Role.MANAGER: _l("Manager"),
    Role.ADMIN: _l("Administrator"),
}


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.OFFICER)
    language: Mapped[str] = mapped_column(String(5), default="vi")
    active: Mapped[bool] = mapped_column(default=True)
    # Automatic assignment of new leads (officers only)
    auto_assign: Mapped[bool] = mapped_column(default=False)
    #: Comma-separated language codes the officer works in, e.g. "ko,en".
    languages: Mapped[str] = mapped_column(String(40), default="")
    #: Comma-separated ISO country codes the officer covers; empty for any country.
    countries: Mapped[str] = mapped_column(String(400), default="")
    #: At most this many open leads; automatic assignment skips an officer who has them.
    capacity: Mapped[int] = mapped_column(default=40)
    last_assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The authenticator app's shared secret (base32); empty until the second factor is enrolled.
    totp_secret: Mapped[str] = mapped_column(String(64), default="")
    #: The last 30-second step whose code was accepted: a code works once.
    totp_last_step: Mapped[int] = mapped_column(default=0)
    #: SHA-256 of the one valid link to choose a password, and when it stops working.
    password_token_hash: Mapped[str] = mapped_column(String(64), default="")
    password_token_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    #: The sign-in session this request runs in (set by the loader), so Flask-Login stores its token.
    current_session_token: str = ""

    def get_id(self) -> str:
        return self.current_session_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def two_factor_enrolled(self) -> bool:
        return bool(self.totp_secret)

    def set_password(self, password: str) -> None:
        self.password_hash = passwords.hash_password(password)

    def check_password(self, password: str) -> bool:
        return passwords.verify(self.password_hash, password)

    def can(self, role: Role | str) -> bool:
        return Role(self.role).rank >= Role(role).rank

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def country_list(self) -> list[str]:
        return [code for code in self.countries.split(",") if code]

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class StaffSession(db.Model):
    """One signed-in browser: the cookie carries its token, the database its hash and times, so
    logging out, a new password or a deactivation ends it on the server whatever the cookie says."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    address: Mapped[str] = mapped_column(String(45), default="")


class RecoveryCode(db.Model):
    """A one-time code for signing in when the authenticator is lost; only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignInFailure(db.Model):
    """Wrong passwords or codes for one account from one address: that pair is locked for a while,
    so a stranger cannot lock a colleague out from elsewhere."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (UniqueConstraint("user_id", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(45))
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
