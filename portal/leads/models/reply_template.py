"""Reply templates: what an officer starts from when writing to an investor, one row per purpose
and language, edited by administrators."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class ReplyPurpose(enum.StrEnum):
    FIRST_ANSWER = "first_answer"
    ASK_DETAILS = "ask_details"
    VISIT_CONFIRMATION = "visit_confirmation"
    DOCUMENTS = "documents"
    AFTER_VISIT = "after_visit"
    AFTER_REGISTRATION = "after_registration"
    #: No word from the investor since our answer (what a scheduled follow-up usually starts from).
    FOLLOW_UP = "follow_up"


REPLY_PURPOSE_LABELS = {
    ReplyPurpose.FIRST_ANSWER: _l("First answer"),
    ReplyPurpose.ASK_DETAILS: _l("Asking for details"),
    ReplyPurpose.VISIT_CONFIRMATION: _l("Visit confirmation"),
    ReplyPurpose.DOCUMENTS: _l("Sending documents"),
    ReplyPurpose.AFTER_VISIT: _l("After a visit"),
    ReplyPurpose.AFTER_REGISTRATION: _l("After registration"),
    ReplyPurpose.FOLLOW_UP: _l("Follow-up"),
}


class ReplyTemplate(db.Model):
    """One purpose in one language; a language without a row is missing (the English one is offered)."""

    __tablename__ = "reply_templates"
    __table_args__ = (UniqueConstraint("purpose", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(30))
    lang: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())

    @property
    def label(self) -> str:
        return REPLY_PURPOSE_LABELS[ReplyPurpose(self.purpose)]
