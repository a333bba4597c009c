"""What an investor said their site must offer, when the inquiry came from the site finder:
kept as fields, so staff read and sort them as facts, not as text in the message."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, ForeignKey, Numeric, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.projects.models import Sector


class SiteNeeds(db.Model):
    """One per lead: a later inquiry with needs replaces them (the investor's latest word)."""

    __tablename__ = "site_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), unique=True)
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id", ondelete="SET NULL"), index=True)
    land_ha: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    floor_m2: Mapped[Decimal | None] = mapped_column(Numeric(12, 1))
    power_mva: Mapped[Decimal | None] = mapped_column(Numeric(10, 1))
    water_m3_day: Mapped[Decimal | None] = mapped_column(Numeric(12, 1))
    max_seaport_km: Mapped[Decimal | None] = mapped_column(Numeric(7, 1))
    max_airport_km: Mapped[Decimal | None] = mapped_column(Numeric(7, 1))
    max_centre_km: Mapped[Decimal | None] = mapped_column(Numeric(7, 1))
    #: Whole US dollars, as the lead's estimated investment.
    budget_usd: Mapped[int | None] = mapped_column(BigInteger)
    #: A ``Timeline`` value.
    start: Mapped[str] = mapped_column(String(20), default="")
    stated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    sector: Mapped[Sector | None] = relationship()
