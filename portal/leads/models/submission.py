"""Each sending of a public form, by the key the form carried when it was shown."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

if TYPE_CHECKING:
    from portal.leads.models.lead import Lead


class FormSubmission(db.Model):
    """A form sent twice (a double click, a retrying proxy, the browser sending it again) carries
    the same key: the unique key lets the second sending find the lead the first one made, even
    when both arrive at once, instead of making another."""

    __tablename__ = "form_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    lead: Mapped[Lead] = relationship()
