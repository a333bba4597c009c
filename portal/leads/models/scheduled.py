"""A follow-up e-mail an officer wrote now and the outbox sends later: the message itself is an outbox
row whose ``next_attempt_at`` is the chosen time (the senders' claim makes it go out once); this row
keeps who scheduled it, from which template, and whether it was called off."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.extensions import db
from portal.outbox.models import OutboxMessage

#: ``OutboxMessage.kind`` of a scheduled follow-up.
SCHEDULED_KIND = "scheduled_follow_up"


class ScheduledMessage(db.Model):
    __tablename__ = "scheduled_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), unique=True)
    send_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    template: Mapped[str] = mapped_column(String(30), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: ``reply`` (the investor wrote first) or ``staff``.
    cancelled_because: Mapped[str] = mapped_column(String(10), default="")

    message: Mapped[OutboxMessage] = relationship()
    created_by: Mapped[User] = relationship()
