"""The lead's timeline: messages from the investor and everything staff did."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.extensions import db

if TYPE_CHECKING:
    from portal.leads.models.lead import Lead


class ActivityKind(enum.StrEnum):
    MESSAGE = "message"
    NOTE = "note"
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    SITE_VISIT = "site_visit"
    STAGE_CHANGE = "stage_change"
    ASSIGNMENT = "assignment"
    MERGE = "merge"
    #: An e-mail from the investor read from the centre's mailbox (``portal.leads.mailbox``).
    REPLY = "reply"
    #: A scheduled follow-up e-mail or an automatic follow-up task called off (``details``: what, why).
    FOLLOW_UP_CANCELLED = "follow_up_cancelled"


#: What staff log by hand; the first of these on a lead stops the first-response clock.
CONTACT_KINDS = (ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING, ActivityKind.SITE_VISIT)
#: What answers an investor's reply: logging one clears "investor replied, waiting for us".
ANSWER_KINDS = (ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING)


ACTIVITY_LABELS = {
    ActivityKind.MESSAGE: _l("Message from the investor"),
    ActivityKind.NOTE: _l("Note"),
    ActivityKind.CALL: _l("Call"),
    ActivityKind.EMAIL: _l("E-mail"),
    ActivityKind.MEETING: _l("Meeting"),
    ActivityKind.SITE_VISIT: _l("Site visit"),
    ActivityKind.STAGE_CHANGE: _l("Stage changed"),
    ActivityKind.ASSIGNMENT: _l("Assigned"),
    ActivityKind.MERGE: _l("Merged with a duplicate"),
    ActivityKind.REPLY: _l("Investor replied"),
    ActivityKind.FOLLOW_UP_CANCELLED: _l("Follow-up called off"),
}


class Activity(db.Model):
    """One entry on a lead's timeline."""

    __tablename__ = "activities"
    # The reports' follow-ups (an e-mail after the first answer) and answers to replies read these alone
    __table_args__ = (db.Index("ix_activities_lead_kind_created_at", "lead_id", "kind", "created_at"),
                      db.Index("ix_activities_kind_lead_created_at", "kind", "lead_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: For a message: which form it came through (inquiry, site visit, referral).
    submission_kind: Mapped[str | None] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)
    #: Who did it; empty for what the investor sent.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Structured facts of a stage change ({"from": id, "to": id}) or an assignment ({"owner": id}).
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    lead: Mapped[Lead] = relationship(back_populates="activities")
    user: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        return ACTIVITY_LABELS[ActivityKind(self.kind)]
