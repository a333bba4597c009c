"""Aftercare: the investor companies already here, the projects they registered, the people the
centre talks to, and the visits that keep the contact rhythm.

A company comes from a registered lead, is entered by hand or imported; later slices add the
issues investors raise and the yearly FDI enterprise meeting, each pointing at ``companies.id``."""
from __future__ import annotations

import enum
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.auth.models import User
from portal.extensions import db
from portal.leads.rules.matching import company_key
from portal.model_mixins import TimestampMixin
from portal.projects.models import IndustrialPark, Sector

if TYPE_CHECKING:
    from portal.leads.models.issue import Issue
    from portal.leads.models.lead import Lead
    from portal.leads.models.partners import Referrer
    from portal.leads.models.pipeline import Task


class CompanyLeadRelation(enum.StrEnum):
    #: The lead that registered and became (a project of) the company.
    REGISTERED = "registered"
    #: A new lead started from the company: reinvestment, not a new investor.
    EXPANSION = "expansion"


class VisitKind(enum.StrEnum):
    VISIT = "visit"
    MEETING = "meeting"
    CALL = "call"


VISIT_KIND_LABELS = {
    VisitKind.VISIT: _l("Visit to the company"),
    VisitKind.MEETING: _l("Meeting at the centre"),
    VisitKind.CALL: _l("Call or video call"),
}


class Company(TimestampMixin, db.Model):
    """An investor company with a registered project in the province (a "doanh nghiệp FDI")."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The name in its own script (삼성전자, 村田製作所); ``name_latin`` is how it is written in Latin letters.
    name: Mapped[str] = mapped_column(String(200))
    name_latin: Mapped[str] = mapped_column(String(200), default="")
    #: ``rules.matching.company_key`` of the Latin name (else the name): finds the same company again.
    name_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    country: Mapped[str] = mapped_column(String(2), default="", index=True)
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id", ondelete="SET NULL"), index=True)
    parent_group: Mapped[str] = mapped_column(String(200), default="")
    #: The account officer; None: nobody has taken it (every officer may work on it).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Months between visits set for this company; None: the default by registered capital
    #: (``rules.aftercare.rhythm_months``).
    visit_every_months: Mapped[int | None]
    #: The day of the last visit, meeting or call (None: never since the record was made).
    last_contact_on: Mapped[date | None] = mapped_column(Date, index=True)
    #: When the next contact is due: kept by ``operations.refresh_visit_due`` after every change to
    #: visits, projects or rhythm, so the list sorts and filters on it.
    visit_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    #: The company as a referrer: its personal link and the leads it brought.
    referrer_id: Mapped[int | None] = mapped_column(ForeignKey("referrers.id", ondelete="SET NULL"), unique=True)
    notes: Mapped[str] = mapped_column(Text, default="")

    sector: Mapped[Sector | None] = relationship()
    owner: Mapped[User | None] = relationship()
    referrer: Mapped[Referrer | None] = relationship()
    contacts: Mapped[list[CompanyContact]] = relationship(back_populates="company", cascade="all, delete-orphan",
                                                          order_by="CompanyContact.id")
    projects: Mapped[list[RegisteredProject]] = relationship(back_populates="company", cascade="all, delete-orphan",
                                                             order_by="RegisteredProject.id")
    visits: Mapped[list[Visit]] = relationship(back_populates="company", cascade="all, delete-orphan",
                                               order_by="[Visit.visited_on.desc(), Visit.id.desc()]")
    lead_links: Mapped[list[CompanyLead]] = relationship(back_populates="company", cascade="all, delete-orphan",
                                                         order_by="CompanyLead.id")
    issues: Mapped[list[Issue]] = relationship(back_populates="company", order_by="[Issue.raised_on.desc(), Issue.id.desc()]")
    #: The follow-ups its visits promised, the soonest due first.
    tasks: Mapped[list[Task]] = relationship(back_populates="company", cascade="all, delete-orphan",
                                             order_by="[Task.due_date, Task.id]")

    @validates("name", "name_latin")
    def _keep_key(self, field: str, value: str) -> str:
        latin = value if field == "name_latin" else self.name_latin
        self.name_key = company_key((latin or (value if field == "name" else self.name)) or "")[:200]
        return value

    @property
    def registered_capital_usd(self) -> int:
        return sum(project.registered_capital_usd or 0 for project in self.projects)

    @property
    def jobs(self) -> int:
        return sum(project.jobs or 0 for project in self.projects)


class CompanyContact(db.Model):
    """A person at the company the centre talks to, in their language."""

    __tablename__ = "company_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(5), default="en")
    email: Mapped[str] = mapped_column(String(254), default="")
    #: Lower-cased e-mail, for the personal-data requests.
    email_normalized: Mapped[str] = mapped_column(String(254), default="", index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")

    company: Mapped[Company] = relationship(back_populates="contacts")

    @validates("email")
    def _keep_normalized(self, _field: str, value: str) -> str:
        self.email_normalized = (value or "").strip().lower()
        return value


class RegisteredProject(db.Model):
    """A project the company registered here: its certificate, capital, jobs and the end dates the
    early warning watches."""

    __tablename__ = "registered_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    park_id: Mapped[int | None] = mapped_column(ForeignKey("industrial_parks.id", ondelete="SET NULL"), index=True)
    registered_capital_usd: Mapped[int | None] = mapped_column(BigInteger)
    jobs: Mapped[int | None]
    certificate_number: Mapped[str] = mapped_column(String(60), default="")
    certificate_date: Mapped[date | None] = mapped_column(Date)
    incentive_ends_on: Mapped[date | None] = mapped_column(Date, index=True)
    land_lease_ends_on: Mapped[date | None] = mapped_column(Date, index=True)
    #: The lead it was registered through, if any.
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"), index=True)

    company: Mapped[Company] = relationship(back_populates="projects")
    park: Mapped[IndustrialPark | None] = relationship()


class Visit(db.Model):
    """A visit, meeting or call with the company: who went, what was said; what follows are the
    company's tasks made with it (``Task.visit_id``)."""

    __tablename__ = "company_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20), default=VisitKind.VISIT)
    #: Who went, as staff wrote it (colleagues, the province's leaders, other agencies).
    attendees: Mapped[str] = mapped_column(String(500), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    company: Mapped[Company] = relationship(back_populates="visits")
    user: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        return VISIT_KIND_LABELS[VisitKind(self.kind)]


class CompanyLead(db.Model):
    """A lead of the company: the one it registered through, or an expansion started from it.
    A lead belongs to one company at most."""

    __tablename__ = "company_leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), unique=True)
    relation: Mapped[str] = mapped_column(String(20))

    company: Mapped[Company] = relationship(back_populates="lead_links")
    lead: Mapped[Lead] = relationship()
