"""Columns of ``leads`` that repeat what other data says, kept in step by the database session
itself, so that no way of changing a lead or a task (operations, imports, merges, the demo
data, tests) can forget them: the search texts, and the next open task's due date."""
from __future__ import annotations

from sqlalchemy import event, func, inspect, select, update
from sqlalchemy.orm import Session, attributes

from portal.leads.models.lead import Lead
from portal.leads.models.pipeline import Task

_PENDING = "leads_next_due_pending"


@event.listens_for(Session, "before_flush")
def _refresh_search_texts(session: Session, _context, _instances) -> None:
    for item in (*session.new, *session.dirty):
        if isinstance(item, Lead):
            item.refresh_search_texts()


@event.listens_for(Session, "after_flush")
def _note_leads_whose_tasks_changed(session: Session, _context) -> None:
    """Each lead a written task belongs to, or belonged to before it moved (a merge)."""
    lead_ids: set[int] = session.info.setdefault(_PENDING, set())
    for item in (*session.new, *session.dirty, *session.deleted):
        if isinstance(item, Task):
            history = inspect(item).attrs.lead_id.history
            lead_ids.update(lead_id for lead_id in (*history.added, *history.unchanged, *history.deleted)
                            if lead_id is not None)


@event.listens_for(Session, "after_flush_postexec")
def _refresh_next_due(session: Session, _context) -> None:
    """One UPDATE for the leads noted, computed from the tasks as stored; the loaded leads get
    the new value without another query."""
    lead_ids = session.info.pop(_PENDING, None)
    if not lead_ids:
        return
    connection = session.connection()
    earliest = dict(connection.execute(
        select(Task.lead_id, func.min(Task.due_date))
        .where(Task.lead_id.in_(lead_ids), Task.done_at.is_(None)).group_by(Task.lead_id)).all())
    next_due = (select(func.min(Task.due_date)).where(Task.lead_id == Lead.id, Task.done_at.is_(None))
                .correlate(Lead).scalar_subquery())
    connection.execute(update(Lead).where(Lead.id.in_(lead_ids)).values(next_due=next_due))
    for lead_id in lead_ids:
        lead = session.identity_map.get(session.identity_key(Lead, lead_id))
        if lead is not None:
            attributes.set_committed_value(lead, "next_due", earliest.get(lead_id))
