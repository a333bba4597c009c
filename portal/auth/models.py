"""Staff accounts of the promotion centre."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

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


def _new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.OFFICER)
    language: Mapped[str] = mapped_column(String(5), default="vi")
    active: Mapped[bool] = mapped_column(default=True)
    #: Part of the login cookie: a new token (new password, "log out everywhere") ends every session.
    session_token: Mapped[str] = mapped_column(String(64), default=_new_session_token, unique=True)
    # Automatic assignment of new leads (officers only)
    auto_assign: Mapped[bool] = mapped_column(default=False)
    #: Comma-separated language codes the officer works in, e.g. "ko,en".
    languages: Mapped[str] = mapped_column(String(40), default="")
    #: Comma-separated ISO country codes the officer covers; empty for any country.
    countries: Mapped[str] = mapped_column(String(400), default="")
    #: At most this many open leads; automatic assignment skips an officer who has them.
    capacity: Mapped[int] = mapped_column(default=40)
    last_assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        """Hash with scrypt (Werkzeug's default) and end every existing session."""
        self.password_hash = generate_password_hash(password)
        self.session_token = _new_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

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
