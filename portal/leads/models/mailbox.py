"""Replies read from the centre's mailbox: one row per e-mail, written before the message is marked
seen on the server, so fetching again (or after a crash) never adds it twice."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, LargeBinary, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.leads.models.lead import Lead


class MailboxStatus(enum.StrEnum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    DISCARDED = "discarded"


class MailboxMessage(db.Model):
    __tablename__ = "mailbox_messages"
    __table_args__ = (UniqueConstraint("folder", "uidvalidity", "uid", name="uq_mailbox_messages_uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The e-mail's own ``Message-ID`` (made up from the mailbox UID when it has none).
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    folder: Mapped[str] = mapped_column(String(100))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    sender: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(255), default="")
    #: The text the timeline shows (never HTML).
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), index=True)
    #: How it was matched: plus_address, thread, sender or staff.
    matched_by: Mapped[str] = mapped_column(String(20), default="")
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"), index=True)
    #: The whole e-mail, kept only while unmatched (to attach it later with its attachments); loaded
    #: only when staff attach it, never for the list of unmatched ones, which may hold large files.
    raw: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    lead: Mapped[Lead | None] = relationship()
