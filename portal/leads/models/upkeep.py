"""Columns that repeat what other data says, kept in step by the database session itself, so
that no way of changing a lead, a task or a stage history (operations, imports, merges, the demo
data, tests) can forget them: the search texts, the next open task's due date, and when each
stay in a stage ended."""
from __future__ import annotations

from collections import Counter
from functools import cache

from sqlalchemy import and_, event, func, inspect, or_, select, update
from sqlalchemy.orm import Session, aliased, attributes

from portal.leads.models.lead import Lead
from portal.leads.models.pipeline import StageChange, Task
from portal.leads.reports.sql import seconds_between

_PENDING = "leads_next_due_pending"
_HISTORY_PENDING = "leads_stage_history_pending"


@event.listens_for(Session, "before_flush")
def _refresh_search_texts(session: Session, _context, _instances) -> None:
    for item in (*session.new, *session.dirty):
        if isinstance(item, Lead):
            item.refresh_search_texts()


def _lead_ids(item, into: set[int]) -> None:
    """The lead a written row belongs to, and the one it belonged to before it moved (a merge)."""
    history = inspect(item).attrs.lead_id.history
    into.update(lead_id for lead_id in (*history.added, *history.unchanged, *history.deleted) if lead_id is not None)


@event.listens_for(Session, "after_flush")
def _note_leads_whose_tasks_or_history_changed(session: Session, _context) -> None:
    task_leads: set[int] = session.info.setdefault(_PENDING, set())
    history_leads: set[int] = session.info.setdefault(_HISTORY_PENDING, set())
    born = {item.id for item in session.new if isinstance(item, Lead)}
    changed: set[int] = set()
    first_stays: Counter[int] = Counter()
    for item in (*session.new, *session.dirty, *session.deleted):
        if isinstance(item, Task):
            _lead_ids(item, task_leads)
        elif isinstance(item, StageChange):
            if item in session.new and item.lead_id in born:
                first_stays[item.lead_id] += 1
            else:
                _lead_ids(item, changed)
    # A lead born in this flush with a single change of stage: that stay has not ended (``left_at``
    # stays NULL), so the UPDATE every new lead would pay for is left out.
    history_leads |= changed | {lead_id for lead_id, count in first_stays.items() if count > 1}


@event.listens_for(Session, "after_flush_postexec")
def _refresh_next_due(session: Session, _context) -> None:
    """One UPDATE for the leads noted, computed from the tasks as stored; it returns the values, so
    the loaded leads get them without another query."""
    lead_ids = session.info.pop(_PENDING, None)
    if not lead_ids:
        return
    next_due = (select(func.min(Task.due_date)).where(Task.lead_id == Lead.id, Task.done_at.is_(None))
                .correlate(Lead).scalar_subquery())
    stored = session.connection().execute(
        update(Lead).where(Lead.id.in_(lead_ids)).values(next_due=next_due).returning(Lead.id, Lead.next_due))
    for lead_id, due in stored:
        lead = session.identity_map.get(session.identity_key(Lead, lead_id))
        if lead is not None:
            attributes.set_committed_value(lead, "next_due", due)


@cache
def next_change_at():
    """The moment of the change that follows each ``stage_changes`` row in its lead's history
    (None for the latest): a correlated subquery for an UPDATE of ``stage_changes``, the same
    as the migration that added ``left_at`` filled it with."""
    following = aliased(StageChange)
    return (select(following.changed_at)
            .where(following.lead_id == StageChange.lead_id,
                   or_(following.changed_at > StageChange.changed_at,
                       and_(following.changed_at == StageChange.changed_at, following.id > StageChange.id)))
            .order_by(following.changed_at, following.id).limit(1)
            .correlate(StageChange).scalar_subquery())


def stay_values() -> dict:
    """When each stay ended and how long it lasted, for an UPDATE of ``stage_changes``."""
    left_at = next_change_at()
    return {"left_at": left_at, "stay_seconds": seconds_between(StageChange.changed_at, left_at)}


@event.listens_for(Session, "after_flush_postexec")
def _refresh_stays(session: Session, _context) -> None:
    """Every stay of the leads whose history was written, from the history as stored (a change
    added, moved or deleted shifts its neighbours); the loaded rows read it again if asked."""
    lead_ids = session.info.pop(_HISTORY_PENDING, None)
    if not lead_ids:
        return
    connection = session.connection()
    connection.execute(update(StageChange).where(StageChange.lead_id.in_(lead_ids)).values(**stay_values()))
    for item in list(session.identity_map.values()):
        if isinstance(item, StageChange) and item.lead_id in lead_ids:
            session.expire(item, ["left_at", "stay_seconds"])
