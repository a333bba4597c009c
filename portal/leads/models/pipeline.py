"""The pipeline a lead moves through: stages, lost reasons, stage history, tasks, saved searches and
the public holidays that stop the first-response clock."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, String, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.extensions import db
from portal.model_mixins import NamedInFourLanguages

if TYPE_CHECKING:
    from portal.leads.models.company import Company
    from portal.leads.models.lead import Lead


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


#: The lead's columns copied onto its stage changes, by the lead column each copies.
LEAD_COPIES = {"lead_received_at": "created_at", "lead_status": "status", "lead_country": "country",
               "lead_source": "source", "lead_owner_id": "owner_id"}
STAY_REPORTING_COLUMNS = ("lead_received_at", "lead_status", "to_stage_id", "stay_seconds", "changed_at",
                          "lead_country", "lead_source", "lead_owner_id", "lead_id")


class StageChange(db.Model):
    """Every move of a lead between stages, so the time spent in each stage is known."""

    __tablename__ = "stage_changes"
    #: Each lead's history in order; and every column the reports' time in each stage filters and
    #: measures by, after the date they filter on, so that report reads this index alone.
    __table_args__ = (db.Index("ix_stage_changes_history", "lead_id", "changed_at", "id", "to_stage_id"),
                      db.Index("ix_stage_changes_reporting", *STAY_REPORTING_COLUMNS))

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id"))
    to_stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    #: When the lead left the stage: the moment of its next change (by ``changed_at``, then ``id``);
    #: None while it is still there. Kept by the database session (``models.upkeep``), so the
    #: reports' time in each stage reads each stay from one row.
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Seconds from ``changed_at`` to ``left_at``; None while the stay goes on. Kept with ``left_at``.
    stay_seconds: Mapped[float | None] = mapped_column(Float)
    # Copies of the lead's columns the reports filter by, so the time in each stage reads the stays
    # without joining 100,000 leads; kept by the database session from the lead as stored
    # (``models.report_facts``).
    lead_received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lead_status: Mapped[str | None] = mapped_column(String(10))
    lead_country: Mapped[str | None] = mapped_column(String(2))
    lead_source: Mapped[str | None] = mapped_column(String(20))
    lead_owner_id: Mapped[int | None]

    lead: Mapped[Lead] = relationship()


class Task(db.Model):
    """A follow-up someone must do by a date, on a lead or on an investor company (aftercare: what
    a visit promised); never both, so whatever reads a lead's tasks never meets a company's."""

    __tablename__ = "tasks"
    __table_args__ = (CheckConstraint("(lead_id IS NULL AND company_id IS NOT NULL)"
                                      " OR (lead_id IS NOT NULL AND company_id IS NULL)", name="lead_or_company"),
                      # The reports' follow-ups: a lead's automatic follow-up task done, from the index alone
                      db.Index("ix_tasks_lead_follow_up_done_at", "lead_id", "follow_up", "done_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    #: The company visit, meeting or call that promised it, if any (its page lists it under the visit).
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("company_visits.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    #: Made by the portal after the first answer (``FOLLOW_UP_WORKING_DAYS``); removed if the investor
    #: replies while it is open.
    follow_up: Mapped[bool] = mapped_column(default=False, server_default=false())

    lead: Mapped[Lead | None] = relationship(back_populates="tasks")
    company: Mapped[Company | None] = relationship(back_populates="tasks")
    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id])

    def overdue(self, today: date) -> bool:
        return self.done_at is None and self.due_date < today


class SavedFilter(db.Model):
    """A staff member's named lead search (the list's query string), one click away."""

    __tablename__ = "saved_filters"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[str] = mapped_column(String(1000))


class Holiday(db.Model):
    """A public holiday in Vietnam: no working time, so no first-response clock. Tết and the
    Hùng Kings' day follow the lunar calendar and the government fixes the days off each year,
    so administrators enter them rather than the code computing them."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(120))
