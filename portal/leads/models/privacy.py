"""Personal data: consent kept per submission (who, when, for what, on which notice), and the
requests people make about their data (Law 91/2025, Decree 356/2025)."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import as_utc
from portal.extensions import db

if TYPE_CHECKING:
    from portal.leads.models.lead import Lead


class ConsentSubject(enum.StrEnum):
    LEAD = "lead"
    INTRODUCER = "introducer"


class ConsentPurpose(enum.StrEnum):
    ANSWER_REQUEST = "answer_request"
    NEWS = "news"
    #: The introducer confirms the prospect agreed to be introduced.
    PROSPECT_AGREED = "prospect_agreed"


CONSENT_PURPOSE_LABELS = {
    ConsentPurpose.ANSWER_REQUEST: _l("Answering the request"),
    ConsentPurpose.NEWS: _l("News of investment opportunities"),
    ConsentPurpose.PROSPECT_AGREED: _l("The introduced investor agreed to be contacted"),
}


class Consent(db.Model):
    """Explicit, verifiable consent (Law 91/2025, Decree 356/2025): who, when, what for, which notice."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(254))
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: Comma-separated ``ConsentPurpose`` values.
    purposes: Mapped[str] = mapped_column(String(200))
    notice_version: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5))
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    lead: Mapped[Lead] = relationship(back_populates="consents")

    @property
    def purpose_list(self) -> list[str]:
        return [purpose for purpose in self.purposes.split(",") if purpose]


class DataRequestKind(enum.StrEnum):
    ACCESS = "access"
    CORRECTION = "correction"
    WITHDRAWAL = "withdrawal"
    ERASURE = "erasure"


DATA_REQUEST_LABELS = {
    DataRequestKind.ACCESS: _l("See or receive a copy of their data"),
    DataRequestKind.CORRECTION: _l("Correct their data"),
    DataRequestKind.WITHDRAWAL: _l("Withdraw their consent"),
    DataRequestKind.ERASURE: _l("Delete their data"),
}


class DataRequest(db.Model):
    """A person's request about their personal data (Law 91/2025, Decree 356/2025): the centre
    acknowledges within 2 working days and acts within 15 days."""

    __tablename__ = "data_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    acknowledge_by: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    complete_by: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    channel: Mapped[str] = mapped_column(String(40), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def label(self) -> str:
        return DATA_REQUEST_LABELS[DataRequestKind(self.kind)]

    def acknowledgement_late(self, now: datetime) -> bool:
        return self.acknowledged_at is None and as_utc(self.acknowledge_by) < now

    def completion_late(self, now: datetime) -> bool:
        return self.completed_at is None and as_utc(self.complete_by) < now
