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
copies (``models.report_facts``) name the families they move."""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import cache

from sqlalchemy import String, Table, bindparam, event, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.extensions import db
from portal.leads.models.activity import ANSWER_KINDS, ActivityKind
from portal.leads.models.lead import REPORTING_COLUMNS

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


def new_token() -> str:
    return uuid.uuid4().hex


def current_tokens() -> dict[str, str | None]:
    """The token each family's figures committed so far are kept under; None for a family whose
    row is missing (nothing of it is kept). One statement."""
    found = dict(db.session.execute(select(ReportDataVersion.id, ReportDataVersion.token)).all())
    return {family: found.get(row) for family, row in FAMILIES.items()}


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


def note_change(session: Session, families: Iterable[str] = EVERY_FAMILY) -> None:
    """The commit renews these families' tokens (every one unless named)."""
    session.info.setdefault(_CHANGED, set()).update(families)


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


def _families_written(session: Session) -> set[str]:
    families: set[str] = set()
    for item in (*session.new, *session.dirty, *session.deleted):
        table = getattr(getattr(item, "__table__", None), "name", None)
        if table not in REPORT_TABLES:
            continue
        if table == "leads":
            families |= _families_of_lead(session, item)
        elif table == "activities":
            families |= _families_of_activity(session, item)
        elif table in _NAMED_ONLY:
            families |= EVERY_FAMILY if item in session.deleted else frozenset()
        else:
            families |= _TABLE_FAMILIES.get(table, EVERY_FAMILY)
        if families == EVERY_FAMILY:
            break
    return families


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Session, _context) -> None:
    families = _families_written(session)
    if families:
        note_change(session, families)


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
    are written last, in one statement, to hold the rows' locks for as short as possible."""
    session.flush()
    families = session.info.pop(_CHANGED, None)
    if families:
        session.connection().execute(new_token_update(frozenset(families)), {"report_token": new_token()})


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop(_CHANGED, None)
