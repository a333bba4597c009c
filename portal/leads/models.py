"""Leads: every inquiry, site-visit request and referral, and the pipeline they move through.

One ``Lead`` model serves every kind of lead; what the investor wrote later, and (in the
back office) what staff did, is kept as ``Activity`` rows on its timeline. Consent is kept
per submission, so each one can be shown: who, when, for what, on which notice.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, Column, Date, DateTime, ForeignKey, Numeric, String, Table, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.auth.models import User
from portal.clock import as_utc
from portal.extensions import db
from portal.leads.matching import company_key, email_domain, phone_digits
from portal.model_mixins import NamedInFourLanguages, TimestampMixin
from portal.projects.models import IndustrialPark, InvestmentProject, Sector


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


class Stage(NamedInFourLanguages, db.Model):
    """A step of the pipeline; the default ones are created by the migration."""

    __tablename__ = "stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    #: Default chance, in percent, that a lead at this stage registers its investment.
    probability: Mapped[int] = mapped_column(default=0)
    is_won: Mapped[bool] = mapped_column(default=False)
    is_lost: Mapped[bool] = mapped_column(default=False)
    #: Comma-separated ``Fact`` codes a lead must have before it may enter this stage.
    required_facts: Mapped[str] = mapped_column(String(200), default="")

    @property
    def is_open(self) -> bool:
        return not (self.is_won or self.is_lost)

    @property
    def facts_required(self) -> list[str]:
        return [fact for fact in self.required_facts.split(",") if fact]


class LostReason(NamedInFourLanguages, db.Model):
    """Why a lead was lost: a managed list, so reasons can be counted."""

    __tablename__ = "lost_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class EventKind(enum.StrEnum):
    DELEGATION = "delegation"
    FORUM = "forum"
    FAIR = "fair"
    SEMINAR = "seminar"
    GATHERING = "gathering"


EVENT_KIND_LABELS = {
    EventKind.DELEGATION: _l("Investment promotion delegation abroad"),
    EventKind.FORUM: _l("Forum or conference"),
    EventKind.FAIR: _l("Trade fair or exhibition"),
    EventKind.SEMINAR: _l("Investment seminar"),
    EventKind.GATHERING: _l("Diplomatic or community gathering"),
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


lead_sectors = Table(
    "lead_sectors",
    db.metadata,
    Column("lead_id", ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True, index=True),
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


lead_tags = Table(
    "lead_tags",
    db.metadata,
    Column("lead_id", ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Lead(TimestampMixin, db.Model):
    __tablename__ = "leads"
    #: The list, the dashboard and the reports all filter by when a lead was received.
    __table_args__ = (db.Index("ix_leads_created_at", "created_at"),)

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
    email_normalized: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    # Keys for spotting possible duplicates (``portal.leads.matching``), kept in step by ``_keep_keys``.
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
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: See ``portal.leads.priority``; kept current by the operations that change what it depends on.
    priority_score: Mapped[int] = mapped_column(default=0, index=True)
    #: Default chance of registering, in percent; follows the stage.
    probability: Mapped[int] = mapped_column(default=0)
    #: The open stage the lead was in before it was won or lost.
    last_open_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id"))
    first_response_due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    first_responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    lost_reason_id: Mapped[int | None] = mapped_column(ForeignKey("lost_reasons.id"), index=True)
    lost_comment: Mapped[str] = mapped_column(Text, default="")
    registered_capital_usd: Mapped[int | None] = mapped_column(BigInteger)
    expected_jobs: Mapped[int | None]
    certificate_date: Mapped[date | None] = mapped_column(Date)

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

    @validates("email", "phone", "company")
    def _keep_keys(self, name: str, value: str) -> str:
        if name == "email":
            self.email_domain = email_domain(value or "")
        elif name == "phone":
            self.phone_digits = phone_digits(value or "")
        else:
            self.company_key = company_key(value or "")[:200]
        return value

    def answer_overdue(self, now: datetime) -> bool:
        """Open, not answered yet, and past its first-response deadline."""
        return (self.status == LeadStatus.OPEN and self.first_responded_at is None
                and self.first_response_due is not None and as_utc(self.first_response_due) < now)


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


#: What staff log by hand; the first of these on a lead stops the first-response clock.
CONTACT_KINDS = (ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING, ActivityKind.SITE_VISIT)

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
}


class Activity(db.Model):
    """One entry on a lead's timeline."""

    __tablename__ = "activities"

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


class StageChange(db.Model):
    """Every move of a lead between stages, so the time spent in each stage is known."""

    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id"))
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    lead: Mapped[Lead] = relationship()


class Task(db.Model):
    """A follow-up someone must do on a lead by a date."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    lead: Mapped[Lead] = relationship(back_populates="tasks")
    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id])


class SavedFilter(db.Model):
    """A staff member's named lead search (the list's query string), one click away."""

    __tablename__ = "saved_filters"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[str] = mapped_column(String(1000))


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


class Holiday(db.Model):
    """A public holiday in Vietnam: no working time, so no first-response clock. Tết and the
    Hùng Kings' day follow the lunar calendar and the government fixes the days off each year,
    so administrators enter them rather than the code computing them."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(120))
