"""What lets an investor follow their inquiry without an account: private links to
``/<lang>/my-inquiry`` and the documents they add there."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

if TYPE_CHECKING:
    from portal.leads.models.lead import Lead


class InquiryLink(db.Model):
    """A private link sent by e-mail. Only the token's SHA-256 is kept: a copy of the database
    opens no investor's page. Each sending makes a new link; each expires on its own."""

    __tablename__ = "inquiry_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    lead: Mapped[Lead] = relationship()


class InvestorDocument(db.Model):
    """A PDF or image the investor added to their inquiry, checked by content, stored under a random
    name in ``LEAD_DOCUMENT_DIR`` (never served to the public); staff download it from the lead."""

    __tablename__ = "investor_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(60))
    size_bytes: Mapped[int]
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
