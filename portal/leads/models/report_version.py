"""Tokens that change, in the same transaction, with every change that can move a figure of the
staff reports: the reports keep their costly figures under them (``portal.leads.reports.cache``),
so a kept figure is never one a committed change has moved, in this process or any other.

The figures come in families, each with its own token (one row of ``report_data_version``), so
that a change recomputes only the figures it can move: a call, a meeting or an investor's reply
logged moves only the answers to replies (an e-mail also the follow-ups, with the passes over the
leads); a stage change, the time in each stage and, through the lead's stored furthest stage, the
passes; a note, or a sign-in, nothing; a lead's figure column (``FIGURE_ATTRIBUTES``), every
family. The session notes a flush that writes one of
``REPORT_TABLES`` and, just before the transaction commits, writes a new token for each family
noted. A bulk ``insert()``/``update()``/``delete()`` of one of them renews every family, and so
must code that writes those tables around the models (raw SQL, a connection's statements): it
calls ``note_change``. The session's own hooks that write the leads' stored facts and their
copies (``models.report_facts``) name the families they move.

Within a family the figures are kept in month pieces (``queries.Report``): each month received
has its own token (a row of ``report_month_version``), renewed by a change to a lead received in
that month (a lead belongs to the month it was received in, in Vietnam time, and so do its stage
changes, sectors and activities, as every figure reads them). A change whose months are not known
here (a bulk statement, a row read only in part, another table) renews the family's own token,
which every piece of the family is kept under too: when unsure, everything is computed again."""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import NamedTuple

from sqlalchemy import (Date, Integer, String, Table, bindparam, event, inspect, literal, select, true, union_all,
                        update)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.util import identity_key

from portal.extensions import db
from portal.leads.models.activity import ANSWER_KINDS, ActivityKind
from portal.leads.models.lead import REPORTING_COLUMNS, Lead
from portal.leads.reports.sql import month_of

#: Every table a figure of the reports is computed from, or names a row of.
REPORT_TABLES = frozenset({
    "leads", "lead_sectors", "stage_changes", "activities", "tasks", "stages", "lost_reasons", "holidays",
    "referrers", "events", "sectors", "users", "companies", "company_leads", "company_visits",
    "investor_issues", "event_companies",
})
#: The families of kept figures, by the row of ``report_data_version`` that holds their token:
#: the passes over the leads (tallies, funnel, sectors, response times, follow-ups), the time in
#: each stage (the stage changes), the answers to the investors' replies (the activities).
FAMILIES = {"leads": 1, "stays": 2, "replies": 3}
EVERY_FAMILY = frozenset(FAMILIES)
#: What writing a row of these tables moves; a lead's row depends on the columns written
#: (``_families_of_lead``), an activity's on its kind (``_families_of_activity``), every other
#: table of ``REPORT_TABLES`` moves every family. Tasks move a figure only through the lead's
#: stored ``followed_up``, whose hook names its family.
_TABLE_FAMILIES = {"stage_changes": frozenset({"stays"}), "tasks": frozenset()}
#: Tables whose rows the kept figures only name by id (each view reads the names afresh): a row
#: added or edited (a sign-in, a referrer renamed) moves nothing; deleted, every family.
_NAMED_ONLY = frozenset({"users", "referrers", "events", "lost_reasons"})
#: The activities the answers to replies read: the investors' replies and what answers them.
REPLY_FIGURE_KINDS = frozenset({ActivityKind.REPLY, *ANSWER_KINDS})
#: The columns of an activity they read.
_ACTIVITY_SOURCES = ("lead_id", "kind", "created_at")
#: What the reports read of a lead (its reporting index: every kept figure reads that index, or a
#: copy of its columns; the registered leads' jobs), what its stored facts and copies derive from
#: (``report_facts``), and the relationships that write those columns (the flush may not yet have
#: copied the key).
FIGURE_ATTRIBUTES = frozenset({*REPORTING_COLUMNS} - {"id"}) | {
    "expected_jobs", "last_open_stage_id", "merged_into_id", "sectors", "owner", "referrer", "event", "lost_reason",
    "last_open_stage", "merged_into"}
_CHANGED = "report_data_changed"


class ReportDataVersion(db.Model):
    """One row per family of figures (``FAMILIES``); its token changes with every commit that can move one of them."""

    __tablename__ = "report_data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


class ReportMonthVersion(db.Model):
    """One row per family and month received, once a change touched a lead received that month;
    its token changes with every commit that can move that month's figures of the family."""

    __tablename__ = "report_month_version"

    family: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: The first day of the month (Vietnam time).
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


class FamilyTokens(NamedTuple):
    """What a family's figures are kept under: its own token (None: nothing is kept) and each
    month's (a month without a row has none yet)."""

    whole: str | None
    months: dict[date, str]


def new_token() -> str:
    return uuid.uuid4().hex


def current_tokens() -> dict[str, FamilyTokens]:
    """The tokens each family's figures committed so far are kept under. One statement."""
    found: dict[int, str] = {}
    months: dict[int, dict[date, str]] = {row: {} for row in FAMILIES.values()}
    family_rows = select(ReportDataVersion.id, literal(None, Date()).label("month"), ReportDataVersion.token)
    month_rows = select(ReportMonthVersion.family, ReportMonthVersion.month, ReportMonthVersion.token)
    for row, month, token in db.session.execute(union_all(family_rows, month_rows)):
        if month is None:
            found[row] = token
        elif row in months:
            months[row][month if isinstance(month, date) else date.fromisoformat(month)] = token
    return {family: FamilyTokens(found.get(row), months[row]) for family, row in FAMILIES.items()}


def ensure_row() -> None:
    """Each family's row, with a new token, if it is missing (after a table was emptied around the session)."""
    for row in FAMILIES.values():
        if db.session.get(ReportDataVersion, row) is None:
            db.session.add(ReportDataVersion(id=row, token=new_token()))
    db.session.flush()


@cache
def new_token_update(families: frozenset[str] = EVERY_FAMILY):
    """The UPDATE that gives these families' figures a new token (its parameter ``report_token``:
    ``new_token()``), built once per process and set of families: the commit runs it, and a
    statement that writes reported tables around the session and the tokens at once has it as one
    part (a ``WITH``): nothing is noted then, and the commit writes no other token."""
    table = ReportDataVersion.__table__
    rows = sorted(FAMILIES[name] for name in families)  # always in the same order: no deadlock between writers
    return update(table).where(table.c.id.in_(rows)).values(token=bindparam("report_token"))


@cache
def month_token_upsert(families: frozenset[str], months: int, dialect: str):
    """The INSERT ... ON CONFLICT that gives these families' figures of ``months`` months (its
    parameters ``report_month_<n>``, first days, and ``report_token``) a new token, built once per
    process and shape; like ``new_token_update``, a part of a larger statement too."""
    table = ReportMonthVersion.__table__
    # Rows from a SELECT, not a VALUES list: SQLAlchemy compiles a statement with several VALUES rows
    # anew at every execution (it cannot be cached), which cost an inquiry more than all else it runs.
    # ``WHERE true``: SQLite reads an upsert's SELECT without one as a join's ON.
    rows = union_all(*(select(literal(FAMILIES[name], Integer()).label("family"),
                              bindparam(f"report_month_{number}", type_=Date()).label("month"),
                              bindparam("report_token", type_=String()).label("token")).where(true())
                       for name in sorted(families, key=FAMILIES.get) for number in range(months)))
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table).from_select(
        ["family", "month", "token"], rows)
    return statement.on_conflict_do_update(index_elements=[table.c.family, table.c.month],
                                           set_={"token": statement.excluded.token})


def month_parameters(months: Iterable[date]) -> dict:
    """``month_token_upsert``'s month parameters, in order (no deadlock between writers)."""
    return {f"report_month_{number}": month for number, month in enumerate(sorted(months))}


def note_change(session: Session, families: Iterable[str] = EVERY_FAMILY, months: Iterable[date] | None = None) -> None:
    """The commit renews these families' tokens (every one unless named): those of the months
    given (first days, in Vietnam time, of the months the leads changed were received in), or,
    with ``months`` None (unknown), the families' own, which every figure of theirs is kept under."""
    noted = session.info.setdefault(_CHANGED, set())
    if months is None:
        noted.update((family, None) for family in families)
    else:
        months = list(months)
        noted.update((family, month) for family in families for month in months)


def months_of_lead(session: Session, lead) -> set[date] | None:
    """The months a lead was received in before and after this flush (its arrival is seldom
    changed); None if unknown (not loaded, or changed without being loaded)."""
    history = inspect(lead).attrs.created_at.history
    if history.added and not history.deleted and not history.unchanged and lead not in session.new:
        return None
    moments = [moment for moment in (*history.added, *history.unchanged, *history.deleted) if moment is not None]
    return {month_of(moment) for moment in moments} or None


def months_of_leads(session: Session, lead_ids: Iterable[int]) -> set[date] | None:
    """The months these leads were received in, from those the session holds; None if one is unknown."""
    months: set[date] = set()
    for lead_id in lead_ids:
        lead = session.identity_map.get(identity_key(Lead, lead_id))
        found = months_of_lead(session, lead) if lead is not None else None
        if found is None:
            return None
        months |= found
    return months


def _months_of_child(session: Session, item, copy: str | None = None) -> set[date] | None:
    """The months of the lead (or leads, before and after this flush) a stage change or an
    activity belongs to: from the lead it was given, the session's leads, or the stage change's
    copy of its lead's arrival (``copy``) when it stayed with one lead; None if one is unknown."""
    state = inspect(item)
    history = state.attrs.lead_id.history
    unknown = {lead_id for lead_id in (*history.added, *history.unchanged, *history.deleted) if lead_id is not None}
    months: set[date] = set()
    lead = state.dict.get("lead")
    if lead is None and not unknown:
        return None
    for candidate in ([lead] if lead is not None else []) + [
            session.identity_map.get(identity_key(Lead, lead_id)) for lead_id in unknown]:
        found = months_of_lead(session, candidate) if candidate is not None else None
        if found is not None:
            months |= found
            unknown.discard(candidate.id)
            lead = None if candidate is lead else lead
    if (unknown or lead is not None) and copy is not None and len(unknown) <= 1 and not history.deleted:
        copied = state.attrs[copy].history
        moments = [moment for moment in (*copied.added, *copied.unchanged, *copied.deleted) if moment is not None]
        if moments and (copied.deleted or copied.unchanged or item in session.new):
            months |= {month_of(moment) for moment in moments}
            unknown, lead = set(), None
    return None if unknown or lead is not None else months


def _families_of_lead(session: Session, lead) -> frozenset:
    """A lead written or deleted moves every family (its stage changes and interests go with it);
    an update, every family if it wrote a column a figure reads, else none."""
    if lead in session.new or lead in session.deleted:
        return EVERY_FAMILY
    attributes = inspect(lead).attrs
    changed = any(attributes[name].history.has_changes() for name in FIGURE_ATTRIBUTES)
    return EVERY_FAMILY if changed else frozenset()


def _families_of_activity(session: Session, activity) -> frozenset:
    """An activity added, deleted, or moved (lead, kind, time) moves the answers to replies if it
    is, or may have been, a reply or an answer (its kind before is unknown if it was changed
    without being loaded); a note, a stage change logged or an edited text moves nothing."""
    state = inspect(activity)
    if activity not in session.new and activity not in session.deleted and \
            not any(state.attrs[name].history.has_changes() for name in _ACTIVITY_SOURCES):
        return frozenset()
    history = state.attrs.kind.history
    kinds = {*history.added, *history.unchanged, *history.deleted}
    unknown = not kinds or (history.added and not history.deleted and not history.unchanged
                            and activity not in session.new)
    return frozenset({"replies"}) if unknown or kinds & REPLY_FIGURE_KINDS else frozenset()


def _changes_written(session: Session) -> set[tuple[str, date | None]]:
    """(family, month) pairs the flush moved, a month None when unknown (``note_change``)."""
    changes: set[tuple[str, date | None]] = set()
    for item in (*session.new, *session.dirty, *session.deleted):
        table = getattr(getattr(item, "__table__", None), "name", None)
        if table not in REPORT_TABLES:
            continue
        if table == "leads":
            families, months = _families_of_lead(session, item), lambda: months_of_lead(session, item)
        elif table == "activities":
            families, months = _families_of_activity(session, item), lambda: _months_of_child(session, item)
        elif table == "stage_changes":
            families, months = _TABLE_FAMILIES[table], lambda: _months_of_child(session, item, "lead_received_at")
        elif table in _NAMED_ONLY:
            families, months = EVERY_FAMILY if item in session.deleted else frozenset(), lambda: None
        else:
            families, months = _TABLE_FAMILIES.get(table, EVERY_FAMILY), lambda: None
        if families:
            found = months()
            changes |= {(family, month) for family in families for month in (found if found is not None else [None])}
        if all((family, None) in changes for family in EVERY_FAMILY):
            break
    return changes


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Session, _context) -> None:
    changes = _changes_written(session)
    if changes:
        session.info.setdefault(_CHANGED, set()).update(changes)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_statements(state) -> None:
    """``insert()``/``update()``/``delete()`` statements of the models' tables run through the
    session bypass the flush (and its hooks): every family. Tables named by hand (``table("leads",
    ...)``: the migrations, and tests of them at an older schema) are writes around the models, like raw SQL."""
    if state.is_insert or state.is_update or state.is_delete:
        target = getattr(state.statement, "table", None)
        if isinstance(target, Table) and target.metadata is db.metadata and target.name in REPORT_TABLES:
            note_change(state.session)


@event.listens_for(Session, "before_commit")
def _new_token_with_the_change(session: Session) -> None:
    """What the commit is about to flush is flushed first, so that it is noted too; the new tokens
    are written last, in one statement (two if some months are known and others not), to hold the
    rows' locks for as short as possible."""
    session.flush()
    changes = session.info.pop(_CHANGED, None)
    if not changes:
        return
    whole = frozenset(family for family, month in changes if month is None)
    by_month = {(family, month) for family, month in changes if month is not None and family not in whole}
    token, connection = new_token(), session.connection()
    if whole:
        connection.execute(new_token_update(whole), {"report_token": token})
    if by_month:  # every family named with every month named: a few more pieces at most, one statement
        families, months = frozenset(family for family, _ in by_month), {month for _, month in by_month}
        connection.execute(month_token_upsert(families, len(months), connection.dialect.name),
                           {"report_token": token, **month_parameters(months)})


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop(_CHANGED, None)
