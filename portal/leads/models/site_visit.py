"""A site visit the centre organises for an investor: when, which parks in which order, where to
meet and the guide's language. Each one is sent to the investor as a calendar invitation whose
``uid`` stays the same and whose ``sequence`` grows with every change, so a mail client updates (or
cancels) the entry it already has instead of adding another."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.extensions import db
from portal.model_mixins import TimestampMixin
from portal.projects.models import IndustrialPark

if TYPE_CHECKING:
    from portal.leads.models.lead import Lead


class VisitStatus(enum.StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class VisitAnswer(enum.StrEnum):
    """The investor's answer to the invitation: the attendee's PARTSTAT in their calendar's iTIP REPLY."""

    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    TENTATIVE = "TENTATIVE"


#: "Accepted by the investor on <date>" on the lead page.
VISIT_ANSWER_LABELS = {
    VisitAnswer.ACCEPTED: _l("Accepted by the investor on %(when)s"),
    VisitAnswer.DECLINED: _l("Declined by the investor on %(when)s"),
    VisitAnswer.TENTATIVE: _l("Tentatively accepted by the investor on %(when)s"),
}

VISIT_STATUS_LABELS = {
    VisitStatus.PROPOSED: _l("Proposed"),
    VisitStatus.CONFIRMED: _l("Confirmed"),
    VisitStatus.CANCELLED: _l("Cancelled"),
}


class SiteVisit(TimestampMixin, db.Model):
    __tablename__ = "site_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    #: The calendar entry's UID: the same in every invitation about this visit.
    uid: Mapped[str] = mapped_column(String(255), unique=True)
    #: The invitation's SEQUENCE: 0 in the first one sent, one more in each later one.
    sequence: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default=VisitStatus.PROPOSED)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    meeting_point: Mapped[str] = mapped_column(String(300), default="")
    guide_language: Mapped[str] = mapped_column(String(5))
    note: Mapped[str] = mapped_column(Text, default="")
    #: The investor's latest answer from their calendar (``VisitAnswer``), "" until one comes back.
    answer: Mapped[str] = mapped_column(String(12), default="", server_default="")
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The SEQUENCE of the invitation the answer was about: an answer to an older one never overwrites it.
    answer_sequence: Mapped[int | None] = mapped_column()
    #: Who proposed, confirmed, changed or cancelled it last.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    lead: Mapped[Lead] = relationship(back_populates="site_visits")
    user: Mapped[User | None] = relationship()
    stops: Mapped[list[SiteVisitStop]] = relationship(back_populates="visit", cascade="all, delete-orphan",
                                                      order_by="SiteVisitStop.position")

    @property
    def status_label(self) -> str:
        return VISIT_STATUS_LABELS[VisitStatus(self.status)]

    @property
    def answer_label(self):
        """"Accepted by the investor on %(when)s" (the caller fills in the time), or None."""
        return VISIT_ANSWER_LABELS[VisitAnswer(self.answer)] if self.answer else None


class SiteVisitStop(db.Model):
    """One park of the itinerary, in order, with the time the delegation arrives (if planned)."""

    __tablename__ = "site_visit_stops"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("site_visits.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    park_id: Mapped[int] = mapped_column(ForeignKey("industrial_parks.id", ondelete="CASCADE"), index=True)
    arrives_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    visit: Mapped[SiteVisit] = relationship(back_populates="stops")
    park: Mapped[IndustrialPark] = relationship()
