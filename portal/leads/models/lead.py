"""The lead: who the investor is, what they asked for, where they came from, and where it stands.

One ``Lead`` model serves every kind of lead; what the investor wrote later, and (in the
back office) what staff did, is kept as ``Activity`` rows on its timeline."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (BigInteger, Boolean, Column, Date, DateTime, Float, ForeignKey, Integer, Numeric, String, Table,
                        Text, false, func)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.auth.models import User
from portal.clock import as_utc
from portal.extensions import db
from portal.leads.rules.matching import company_key, email_domain, phone_digits, search_texts
from portal.leads.rules.tags import KEY_LENGTH, tag_key
from portal.model_mixins import TimestampMixin
from portal.projects.models import IndustrialPark, InvestmentProject, Sector

if TYPE_CHECKING:
    from portal.leads.models.activity import Activity
    from portal.leads.models.partners import Event, Referrer
    from portal.leads.models.pipeline import LostReason, Stage, Task
    from portal.leads.models.privacy import Consent
    from portal.leads.models.site_needs import SiteNeeds
    from portal.leads.models.site_visit import SiteVisit


class LeadKind(enum.StrEnum):
    INQUIRY = "inquiry"
    SITE_VISIT = "site_visit"
    REFERRAL = "referral"
    EVENT = "event"
    MANUAL = "manual"


LEAD_KIND_LABELS = {
    LeadKind.INQUIRY: _l("Inquiry"),
    LeadKind.SITE_VISIT: _l("Site-visit request"),
    LeadKind.REFERRAL: _l("Referral"),
    LeadKind.EVENT: _l("Met at an event"),
    LeadKind.MANUAL: _l("Entered by staff"),
}


class LeadStatus(enum.StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"
    #: Merged into another lead (``merged_into_id``): kept, never listed.
    MERGED = "merged"


class LeadSource(enum.StrEnum):
    WEBSITE = "website"
    REFERRAL_LINK = "referral_link"
    REFERRAL_FORM = "referral_form"
    EVENT = "event"
    MANUAL = "manual"
    #: Started from an investor company already here (``CompanyLead``): reinvestment.
    EXPANSION = "expansion"


SOURCE_LABELS = {
    LeadSource.WEBSITE: _l("Website"),
    LeadSource.REFERRAL_LINK: _l("Referral link"),
    LeadSource.REFERRAL_FORM: _l("Referral form"),
    LeadSource.EVENT: _l("Event"),
    LeadSource.MANUAL: _l("Entered by staff"),
    LeadSource.EXPANSION: _l("Expansion of a company already here"),
}

class Timeline(enum.StrEnum):
    WITHIN_6_MONTHS = "within_6_months"
    WITHIN_1_YEAR = "within_1_year"
    WITHIN_2_YEARS = "within_2_years"
    EXPLORING = "exploring"


TIMELINE_LABELS = {
    Timeline.WITHIN_6_MONTHS: _l("Within 6 months"),
    Timeline.WITHIN_1_YEAR: _l("Within a year"),
    Timeline.WITHIN_2_YEARS: _l("Within two years"),
    Timeline.EXPLORING: _l("Still exploring"),
}


#: The lead's columns copied onto each of its sectors, by the lead column each copies: the sector
#: breakdown of the reports reads ``lead_sectors`` alone (``ix_lead_sectors_reporting``) instead of
#: joining it to 100,000 leads; kept by the database session (``models.report_facts``).
SECTOR_COPIES = {"lead_received_at": "created_at", "lead_status": "status", "lead_country": "country",
                 "lead_source": "source", "lead_owner_id": "owner_id",
                 "lead_registered_capital_usd": "registered_capital_usd"}
SECTOR_REPORTING_COLUMNS = ("lead_received_at", "lead_status", "sector_id", "lead_registered_capital_usd",
                            "lead_country", "lead_source", "lead_owner_id", "lead_id")

lead_sectors = Table(
    "lead_sectors",
    db.metadata,
    Column("lead_id", ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("lead_received_at", DateTime(timezone=True)),
    Column("lead_status", String(10)),
    Column("lead_country", String(2)),
    Column("lead_source", String(20)),
    Column("lead_owner_id", Integer),
    Column("lead_registered_capital_usd", BigInteger),
    db.Index("ix_lead_sectors_reporting", *SECTOR_REPORTING_COLUMNS),
)


lead_projects = Table(
    "lead_projects",
    db.metadata,
    Column("lead_id", ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
    Column("project_id", ForeignKey("investment_projects.id", ondelete="CASCADE"), primary_key=True, index=True),
)


lead_parks = Table(
    "lead_parks",
    db.metadata,
    Column("lead_id", ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
    Column("park_id", ForeignKey("industrial_parks.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(db.Model):
    """A label staff put on leads to group them their own way ("Korea desk", "EV supply chain")."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    #: The name as compared (``tag_key``): one tag whatever the case typed, on both databases.
    #: A unique index rather than a constraint, so SQLite adds it without rebuilding the table.
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True, index=True)

    @validates("name")
    def _keep_key(self, _name: str, value: str) -> str:
        self.key = tag_key(value)
        return value


lead_tags = Table(
    "lead_tags",
    db.metadata,
    Column("lead_id", ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


#: What ``portal.leads.reports`` reads of each lead (``ix_leads_reporting``), the facts it used to
#: derive on every request (month received, time to the first answer, furthest stage) included.
REPORTING_COLUMNS = ("created_at", "status", "source", "country", "preferred_language", "owner_id", "referrer_id",
                     "event_id", "lost_reason_id", "received_month", "response_seconds", "reached_position",
                     "first_responded_at", "first_response_due", "registered_capital_usd", "has_sector",
                     "followed_up", "id")


class Lead(TimestampMixin, db.Model):
    __tablename__ = "leads"
    #: The list, the dashboard and the reports all filter by when a lead was received; the list's
    #: usual views (open leads, newest or by priority) and the board (a stage, newest) read these
    #: pairs in order. The next-step order and the text search have indexes of their own, outside
    #: the models (``portal.leads.search_index``).
    __table_args__ = (db.Index("ix_leads_created_at", "created_at"),
                      db.Index("ix_leads_status_created_at", "status", "created_at"),
                      db.Index("ix_leads_status_priority", "status", "priority_score"),
                      db.Index("ix_leads_stage_created_at", "stage_id", "created_at"),
                      # An officer's leads; their open leads counted from the index alone when a new
                      # lead is assigned (``queries.intake``), however many leads the others have
                      db.Index("ix_leads_owner_status", "owner_id", "status"),
                      # An address's open lead, found when the same investor writes again: with the status
                      # and the last message beside the address, SQLite no longer walks every open lead
                      db.Index("ix_leads_email_status_last_message", "email_normalized", "status", "last_message_at"),
                      # The board's count and sum of estimated investment per stage, from the index alone
                      db.Index("ix_leads_board_totals", "status", "stage_id", "estimated_investment_usd"),
                      # Every column the reports group and count by, after the date they filter
                      # on: the reports read this index alone, never the wide rows.
                      db.Index("ix_leads_reporting", *REPORTING_COLUMNS))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the investor quotes ("IP-26-7K3QXM"); the database id is never shown.
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(10), default=LeadStatus.OPEN, index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), index=True)

    name: Mapped[str] = mapped_column(String(120))
    company: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), default="", index=True)
    email: Mapped[str] = mapped_column(String(254))
    #: Lower-cased e-mail, for finding the same investor again.
    email_normalized: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    # Keys for spotting possible duplicates (``portal.leads.rules.matching``), kept in step by ``_keep_keys``.
    email_domain: Mapped[str] = mapped_column(String(254), default="", index=True)
    phone_digits: Mapped[str] = mapped_column(String(20), default="", index=True)
    company_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    #: Set when staff merged this lead into another; it then leaves every list.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)

    preferred_language: Mapped[str] = mapped_column(String(5), index=True)

    estimated_investment_usd: Mapped[int | None] = mapped_column(BigInteger)
    land_need_ha: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    timeline: Mapped[str | None] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text, default="")
    visit_from: Mapped[date | None] = mapped_column(Date)
    visit_to: Mapped[date | None] = mapped_column(Date)
    visitors: Mapped[int | None]
    guide_language: Mapped[str | None] = mapped_column(String(5))

    source: Mapped[str] = mapped_column(String(20), index=True)
    referrer_id: Mapped[int | None] = mapped_column(ForeignKey("referrers.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    landing_page: Mapped[str] = mapped_column(String(500), default="")
    #: Who introduced the prospect through the referral form (they may not be a known referrer).
    introducer_name: Mapped[str] = mapped_column(String(120), default="")
    introducer_organisation: Mapped[str] = mapped_column(String(200), default="")
    introducer_email: Mapped[str] = mapped_column(String(254), default="")
    introducer_relationship: Mapped[str] = mapped_column(String(30), default="")
    introducer_language: Mapped[str] = mapped_column(String(5), default="")
    last_message_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)

    # The pipeline
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: See ``portal.leads.rules.priority``; kept current by the operations that change what it depends on.
    priority_score: Mapped[int] = mapped_column(default=0, index=True)
    #: Default chance of registering, in percent; follows the stage.
    probability: Mapped[int] = mapped_column(default=0)
    #: The open stage the lead was in before it was won or lost.
    last_open_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id"))
    first_response_due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    first_responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    #: When the investor's last e-mail reply came and nobody has answered it yet ("waiting for us").
    investor_replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    lost_reason_id: Mapped[int | None] = mapped_column(ForeignKey("lost_reasons.id"), index=True)
    lost_comment: Mapped[str] = mapped_column(Text, default="")
    registered_capital_usd: Mapped[int | None] = mapped_column(BigInteger)
    expected_jobs: Mapped[int | None]
    certificate_date: Mapped[date | None] = mapped_column(Date)
    #: The due date of the earliest open task: the next planned follow-up. Kept by the database
    #: session itself whenever a task is added, done, moved or deleted (``models.upkeep``).
    next_due: Mapped[date | None] = mapped_column(Date)
    #: ``rules.matching.search_texts``, kept current on every flush (``models.upkeep``).
    search_public: Mapped[str] = mapped_column(Text, default="", server_default="")
    search_contact: Mapped[str] = mapped_column(Text, default="", server_default="")
    # What the reports group and rank by, stored rather than derived on every request; kept by the
    # database session itself, from the stored rows, on every flush (``models.report_facts``).
    #: The month received (its first day), in Vietnam time.
    received_month: Mapped[date | None] = mapped_column(Date)
    #: Seconds from receiving the lead to its first answer; None while unanswered.
    response_seconds: Mapped[float | None] = mapped_column(Float)
    #: Position of the furthest stage the lead reached: the furthest non-lost stage of its history
    #: or its last open stage; None without either (it counts at the first stage).
    reached_position: Mapped[int | None]
    #: Whether the lead is interested in a sector: the sector breakdown counts those that are not
    #: from the leads (``ix_leads_reporting``), the others from ``lead_sectors`` alone.
    has_sector: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Whether the lead was followed up after its first answer: an e-mail to the investor after it,
    #: or its automatic follow-up task done (the reports' follow-ups; False while unanswered).
    followed_up: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    stage: Mapped[Stage] = relationship(foreign_keys=[stage_id])
    last_open_stage: Mapped[Stage | None] = relationship(foreign_keys=[last_open_stage_id])
    owner: Mapped[User | None] = relationship()
    lost_reason: Mapped[LostReason | None] = relationship()
    referrer: Mapped[Referrer | None] = relationship()
    event: Mapped[Event | None] = relationship()
    merged_into: Mapped[Lead | None] = relationship(remote_side="Lead.id")
    sectors: Mapped[list[Sector]] = relationship(secondary=lead_sectors)
    projects: Mapped[list[InvestmentProject]] = relationship(secondary=lead_projects)
    parks: Mapped[list[IndustrialPark]] = relationship(secondary=lead_parks)
    tags: Mapped[list[Tag]] = relationship(secondary=lead_tags, order_by=Tag.name)
    consents: Mapped[list[Consent]] = relationship(back_populates="lead", cascade="all, delete-orphan",
                                                   order_by="Consent.id")
    activities: Mapped[list[Activity]] = relationship(back_populates="lead", cascade="all, delete-orphan",
                                                      order_by="Activity.id")
    tasks: Mapped[list[Task]] = relationship(back_populates="lead", cascade="all, delete-orphan",
                                             order_by="Task.due_date")
    #: What their site must offer, when they wrote from the site finder.
    site_needs: Mapped[SiteNeeds | None] = relationship(cascade="all, delete-orphan", single_parent=True)
    #: The site visits planned for the investor, the latest last (``current_visit``).
    site_visits: Mapped[list[SiteVisit]] = relationship(back_populates="lead", cascade="all, delete-orphan",
                                                        order_by="SiteVisit.id")

    @property
    def current_visit(self) -> SiteVisit | None:
        """The latest visit not cancelled: the one a change or a cancellation applies to."""
        return next((visit for visit in reversed(self.site_visits) if visit.status != "cancelled"), None)

    @validates("email", "phone", "company")
    def _keep_keys(self, name: str, value: str) -> str:
        if name == "email":
            self.email_domain = email_domain(value or "")
        elif name == "phone":
            self.phone_digits = phone_digits(value or "")
        else:
            self.company_key = company_key(value or "")[:200]
        return value

    def refresh_search_texts(self) -> None:
        public, contact = search_texts(self.company, self.reference, self.name, self.email_normalized,
                                       self.message, self.phone)
        if (self.search_public, self.search_contact) != (public, contact):
            self.search_public, self.search_contact = public, contact

    def answer_overdue(self, now: datetime) -> bool:
        """Open, not answered yet, and past its first-response deadline."""
        return (self.status == LeadStatus.OPEN and self.first_responded_at is None
                and self.first_response_due is not None and as_utc(self.first_response_due) < now)
