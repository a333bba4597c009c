"""Issues raised by investors already here (a "kiến nghị của nhà đầu tư"): what blocks them, which
agency can unblock it, who at the centre follows it, by when, and each step on the way."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.auth.models import User
from portal.extensions import db
from portal.leads.models.company import Company, CompanyContact
from portal.model_mixins import TimestampMixin


class IssueCategory(enum.StrEnum):
    LICENCES = "licences"
    LAND = "land"
    CUSTOMS = "customs"
    LABOUR = "labour"
    UTILITIES = "utilities"
    TAXES = "taxes"
    OTHER = "other"


ISSUE_CATEGORY_LABELS = {
    IssueCategory.LICENCES: _l("Licences and permits"),
    IssueCategory.LAND: _l("Land and site"),
    IssueCategory.CUSTOMS: _l("Customs"),
    IssueCategory.LABOUR: _l("Labour and work permits"),
    IssueCategory.UTILITIES: _l("Power, water and other utilities"),
    IssueCategory.TAXES: _l("Taxes and fees"),
    IssueCategory.OTHER: _l("Something else"),
}


class Agency(enum.StrEnum):
    """The agencies whose decision an issue may need (the province's departments after the 2025 merger)."""

    CENTRE = "centre"
    PEOPLES_COMMITTEE = "peoples_committee"
    FINANCE = "finance"
    INDUSTRIAL_PARKS = "industrial_parks"
    AGRICULTURE_ENVIRONMENT = "agriculture_environment"
    CONSTRUCTION = "construction"
    HOME_AFFAIRS = "home_affairs"
    INDUSTRY_TRADE = "industry_trade"
    CUSTOMS = "customs"
    TAX = "tax"
    POWER = "power"


AGENCY_LABELS = {
    Agency.CENTRE: _l("The investment promotion centre itself"),
    Agency.PEOPLES_COMMITTEE: _l("Provincial People's Committee"),
    Agency.FINANCE: _l("Department of Finance (investment registration)"),
    Agency.INDUSTRIAL_PARKS: _l("Industrial Parks Management Board"),
    Agency.AGRICULTURE_ENVIRONMENT: _l("Department of Agriculture and Environment (land, environment)"),
    Agency.CONSTRUCTION: _l("Department of Construction"),
    Agency.HOME_AFFAIRS: _l("Department of Home Affairs (labour, work permits)"),
    Agency.INDUSTRY_TRADE: _l("Department of Industry and Trade"),
    Agency.CUSTOMS: _l("Customs department"),
    Agency.TAX: _l("Tax department"),
    Agency.POWER: _l("Power company"),
}


class IssueStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING_FOR_AGENCY = "waiting_for_agency"
    RESOLVED = "resolved"
    CLOSED = "closed"


ISSUE_STATUS_LABELS = {
    IssueStatus.OPEN: _l("Open"),
    IssueStatus.IN_PROGRESS: _l("In progress"),
    IssueStatus.WAITING_FOR_AGENCY: _l("Waiting for the agency"),
    IssueStatus.RESOLVED: _l("Resolved"),
    IssueStatus.CLOSED: _l("Closed"),
}
#: An issue in one of these needs nothing more from the centre: it is never overdue.
FINISHED_STATUSES = (IssueStatus.RESOLVED.value, IssueStatus.CLOSED.value)


class IssueSource(enum.StrEnum):
    FORM = "form"
    STAFF = "staff"
    EVENT = "event"


class Issue(TimestampMixin, db.Model):
    """One issue an investor raised, through the public form, to staff, or at the yearly meeting."""

    __tablename__ = "investor_issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: IS-26-XXXXXX: what the investor quotes.
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    #: None: sent through the form by someone the portal could not match; staff link it.
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="SET NULL"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("company_contacts.id", ondelete="SET NULL"), index=True)
    #: The event (the yearly FDI enterprise meeting) where it was raised.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(String(10), default=IssueSource.STAFF)
    category: Mapped[str] = mapped_column(String(20), index=True)
    agency: Mapped[str] = mapped_column(String(30), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=IssueStatus.OPEN, index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    raised_on: Mapped[date] = mapped_column(Date, index=True)
    #: A working day (``rules.aftercare.add_working_days``); past it and not finished, the issue is overdue.
    due_on: Mapped[date] = mapped_column(Date, index=True)
    #: The due day as it was set (counted when raised, or typed by staff) while a holiday recorded later
    #: on it has moved ``due_on`` to the next working day; None when ``due_on`` is the day as set.
    #: Removing the holiday moves it back (``operations.follow_holidays``); staff setting a day clears it.
    due_on_before_holiday: Mapped[date | None] = mapped_column(Date, index=True)
    resolved_on: Mapped[date | None] = mapped_column(Date, index=True)
    #: Who raised it, as they wrote it (personal data: found and erased by e-mail).
    raised_by_name: Mapped[str] = mapped_column(String(120), default="")
    raised_by_email: Mapped[str] = mapped_column(String(254), default="")
    email_normalized: Mapped[str] = mapped_column(String(254), default="", index=True)
    raised_by_company: Mapped[str] = mapped_column(String(200), default="")
    #: The language the investor wrote in and is answered in.
    language: Mapped[str] = mapped_column(String(5), default="en")
    #: The public form's key (``PublicForm.form_key``): the same form sent twice is one issue.
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    company: Mapped[Company | None] = relationship(back_populates="issues")
    contact: Mapped[CompanyContact | None] = relationship()
    owner: Mapped[User | None] = relationship()
    notes: Mapped[list[IssueNote]] = relationship(back_populates="issue", cascade="all, delete-orphan",
                                                  order_by="[IssueNote.at.desc(), IssueNote.id.desc()]")

    @validates("raised_by_email")
    def _keep_normalized(self, _field: str, value: str) -> str:
        self.email_normalized = (value or "").strip().lower()
        return value

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    def overdue(self, today: date) -> bool:
        return not self.finished and self.due_on < today

    @property
    def status_label(self) -> str:
        return ISSUE_STATUS_LABELS[IssueStatus(self.status)]

    @property
    def category_label(self) -> str:
        return ISSUE_CATEGORY_LABELS[IssueCategory(self.category)]

    @property
    def agency_label(self) -> str:
        return AGENCY_LABELS[Agency(self.agency)]


class IssueNote(db.Model):
    """A step in an issue's history: a note, a status change, or both."""

    __tablename__ = "investor_issue_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("investor_issues.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status_from: Mapped[str] = mapped_column(String(20), default="")
    status_to: Mapped[str] = mapped_column(String(20), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    #: The due day moved by a holiday recorded or removed: from one day to the other.
    due_from: Mapped[date | None] = mapped_column(Date)
    due_to: Mapped[date | None] = mapped_column(Date)

    issue: Mapped[Issue] = relationship(back_populates="notes")
    user: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return ISSUE_STATUS_LABELS[IssueStatus(self.status_to)] if self.status_to else ""


class EventCompany(db.Model):
    """A company invited to an event (the yearly FDI enterprise meeting), and whether it came."""

    __tablename__ = "event_companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    attended: Mapped[bool] = mapped_column(default=False)

    company: Mapped[Company] = relationship()
