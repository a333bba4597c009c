"""One token that changes, in the same transaction, with every change that can move a figure of
the staff reports: the reports keep their costly figures under it (``portal.leads.reports.cache``),
so a kept figure is never one a committed change has moved, in this process or any other.

The session notes a flush or a bulk ``insert()``/``update()``/``delete()`` that writes one of
``REPORT_TABLES`` and, just before the transaction commits, writes a new token. Code that writes
those tables around the models (raw SQL, a connection's statements) calls ``note_change``."""
from __future__ import annotations

import uuid
from functools import cache

from sqlalchemy import String, Table, bindparam, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.extensions import db

#: Every table a figure of the reports is computed from, or names a row of.
REPORT_TABLES = frozenset({
    "leads", "lead_sectors", "stage_changes", "activities", "tasks", "stages", "lost_reasons", "holidays",
    "referrers", "events", "sectors", "users", "companies", "company_leads", "company_visits",
    "investor_issues", "event_companies",
})
_CHANGED = "report_data_changed"


class ReportDataVersion(db.Model):
    """A single row; its token changes with every commit that writes one of ``REPORT_TABLES``."""

    __tablename__ = "report_data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


def new_token() -> str:
    return uuid.uuid4().hex


def current_token() -> str | None:
    """The token the figures committed so far are kept under; None if the row is missing (nothing is kept)."""
    return db.session.scalar(select(ReportDataVersion.token).where(ReportDataVersion.id == 1))


def ensure_row() -> None:
    """The row, with a new token, if it is missing (after a table was emptied around the session)."""
    if db.session.get(ReportDataVersion, 1) is None:
        db.session.add(ReportDataVersion(id=1, token=new_token()))
        db.session.flush()


@cache
def new_token_update():
    """The UPDATE that gives the figures a new token (its parameter ``report_token``: ``new_token()``),
    built once per process: the commit runs it, and a statement that writes reported tables around
    the session and the token at once has it as one part (a ``WITH``): nothing is noted then, and
    the commit writes no other token."""
    table = ReportDataVersion.__table__
    return update(table).where(table.c.id == 1).values(token=bindparam("report_token"))


def note_change(session: Session) -> None:
    session.info[_CHANGED] = True


def _writes_reported_table(objects) -> bool:
    return any(getattr(getattr(obj, "__table__", None), "name", None) in REPORT_TABLES for obj in objects)


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Session, _context) -> None:
    if _writes_reported_table(session.new) or _writes_reported_table(session.dirty) or \
            _writes_reported_table(session.deleted):
        note_change(session)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_statements(state) -> None:
    """``insert()``/``update()``/``delete()`` statements of the models' tables run through the
    session bypass the flush. Tables named by hand (``table("leads", ...)``: the migrations, and
    tests of them at an older schema) are writes around the models, like raw SQL."""
    if state.is_insert or state.is_update or state.is_delete:
        target = getattr(state.statement, "table", None)
        if isinstance(target, Table) and target.metadata is db.metadata and target.name in REPORT_TABLES:
            note_change(state.session)


@event.listens_for(Session, "before_commit")
def _new_token_with_the_change(session: Session) -> None:
    """What the commit is about to flush is flushed first, so that it is noted too; the new token is
    written last, to hold the row's lock for as short as possible."""
    session.flush()
    if session.info.pop(_CHANGED, False):
        session.connection().execute(new_token_update(), {"report_token": new_token()})


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop(_CHANGED, None)
