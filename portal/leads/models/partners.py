"""Who brings investors: referrers with a personal link, and the events where staff meet prospects."""
from __future__ import annotations

import enum
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.model_mixins import TimestampMixin


class ReferrerKind(enum.StrEnum):
    EXISTING_INVESTOR = "existing_investor"
    SISTER_CITY = "sister_city"
    CHAMBER = "chamber"
    DIPLOMATIC = "diplomatic"
    OVERSEAS_REPRESENTATIVE = "overseas_representative"
    OTHER_PARTNER = "other_partner"


REFERRER_KIND_LABELS = {
    ReferrerKind.EXISTING_INVESTOR: _l("A company already investing here"),
    ReferrerKind.SISTER_CITY: _l("A sister city or partner province"),
    ReferrerKind.CHAMBER: _l("A chamber of commerce or business association"),
    ReferrerKind.DIPLOMATIC: _l("An embassy or consulate"),
    ReferrerKind.OVERSEAS_REPRESENTATIVE: _l("An overseas representative of the region"),
    ReferrerKind.OTHER_PARTNER: _l("Another partner"),
}


class EventKind(enum.StrEnum):
    DELEGATION = "delegation"
    FORUM = "forum"
    FAIR = "fair"
    SEMINAR = "seminar"
    GATHERING = "gathering"
    #: The province's leaders meet the FDI enterprises already here (invited and attending companies).
    FDI_MEETING = "fdi_meeting"


EVENT_KIND_LABELS = {
    EventKind.DELEGATION: _l("Investment promotion delegation abroad"),
    EventKind.FORUM: _l("Forum or conference"),
    EventKind.FAIR: _l("Trade fair or exhibition"),
    EventKind.SEMINAR: _l("Investment seminar"),
    EventKind.GATHERING: _l("Diplomatic or community gathering"),
    EventKind.FDI_MEETING: _l("Yearly meeting with the FDI enterprises"),
}


class Event(TimestampMixin, db.Model):
    """A delegation, forum, fair or seminar where staff met prospects (e.g. "Meet Korea 2026")."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class Referrer(TimestampMixin, db.Model):
    """An existing investor or partner abroad who introduces investors, with a personal link code."""

    __tablename__ = "referrers"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    preferred_language: Mapped[str] = mapped_column(String(5), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    #: The referrer agreed to hear from us when someone they introduced registers an investment.
    wants_updates: Mapped[bool] = mapped_column(default=False)
