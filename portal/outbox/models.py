"""The mail outbox: every e-mail is a row first, written in the same transaction as the
change that caused it, and only then sent, so a mail server outage loses nothing."""
from __future__ import annotations

import enum
import re
from datetime import datetime
from email.utils import make_msgid

from flask import current_app, has_app_context
from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.links import base_host

#: ``invest+IP-26-7K3QXM@centre.example``: the reference after the first ``+`` of the local part.
PLUS_ADDRESS = re.compile(r"^[^@+\s]+\+([A-Za-z0-9-]{3,20})@[^@\s]+$")


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    #: Gave up after the last retry; kept with its error for staff to see.
    FAILED = "failed"
    #: Called off before its time (a scheduled follow-up the investor's reply made needless).
    CANCELLED = "cancelled"


def new_message_id() -> str:
    """A ``Message-ID`` made once, when the e-mail is queued, and sent with every attempt: a receiver
    that already has it can drop a repeat (delivery is at least once)."""
    domain = base_host(current_app.config["PORTAL_BASE_URL"]) if has_app_context() else ""
    return make_msgid(domain=domain or "invest-portal")


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    #: For a kind rendered when it is sent (``compose.render_when_sent``): what its templates need, as
    #: plain data, until the sender renders ``subject`` and ``body`` from it (then ``None``).
    context: Mapped[dict | None] = mapped_column(JSON)
    language: Mapped[str] = mapped_column(String(5))
    message_id: Mapped[str] = mapped_column(String(255), unique=True, default=new_message_id)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    #: While one sender works on a message, others leave it alone until this time.
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Where the investor's answer should go (``reply_address``); empty: to the sender.
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    #: Message-IDs of the thread, oldest first, the last one being the message answered: sent as
    #: ``References`` and (the last) ``In-Reply-To`` so mail clients thread the conversation.
    thread: Mapped[list | None] = mapped_column(JSON)
    #: ``MediaFile`` ids to attach: the files are read when sending, so nothing big sits in the database.
    attachments: Mapped[list | None] = mapped_column(JSON)
    #: An iCalendar invitation (RFC 5545) sent with the text, as a ``text/calendar`` part and as
    #: ``invite.ics``: its METHOD (REQUEST, CANCEL) is the part's ``method``.
    calendar: Mapped[str | None] = mapped_column(Text)


def reply_address(reference: str) -> str:
    """``invest+REFERENCE@domain`` built from ``MAIL_REPLY_TO``, so an answer names its lead (read back by
    ``plus_reference``); empty when no reply address is set."""
    address = current_app.config.get("MAIL_REPLY_TO", "")
    if "@" not in address:
        return ""
    local, _, domain = address.rpartition("@")
    return f"{local.split('+')[0]}+{reference}@{domain}"


def plus_reference(address: str) -> str | None:
    """The lead reference a ``reply_address`` names: ``invest+ip-26-7k3qxm@x`` → ``IP-26-7K3QXM``."""
    found = PLUS_ADDRESS.match(address.strip())
    return found.group(1).upper() if found else None