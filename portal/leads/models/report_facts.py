"""Each lead's reporting facts (``Lead.received_month``, ``response_seconds``, ``reached_position``,
``has_sector``, ``followed_up``) and the copies of its filter columns on its stage changes
(``StageChange.lead_received_at`` ...) and its sectors (``lead_sectors.c.lead_received_at`` ...),
kept in step by the database session itself like ``models.upkeep``: after every flush that wrote
a lead's arrival, first answer, last open stage, status, country, source, owner, registered
capital or sectors, its stage history, its e-mails or follow-up tasks, or the stages themselves
(or deleted a sector), one UPDATE recomputes them from the rows as stored, with the very
expressions the reports used to evaluate for 100,000 leads on every request. ``refresh`` and
``refresh_copies`` also backfill (the migrations, bulk loads that bypass the session)."""
from __future__ import annotations

from functools import cache

from sqlalchemy import Connection, and_, bindparam, event, exists, func, inspect, or_, select, update
from sqlalchemy.orm import Session, attributes

from portal.leads.models import report_version
from portal.leads.models.activity import Activity, ActivityKind
from portal.leads.models.lead import SECTOR_COPIES, Lead, lead_sectors
from portal.leads.models.pipeline import LEAD_COPIES, Stage, StageChange, Task
from portal.leads.reports.sql import month_of, seconds_between, vietnam_month
from portal.projects.models import Sector

_PENDING = "leads_report_facts_pending"
#: In ``session.info``: the leads whose e-mails or follow-up tasks changed: their facts only (not the copies).
_FACTS_PENDING = "leads_report_facts_only_pending"
#: In ``session.info``: the leads born in this flush with their facts given (``_give_born_leads_their_facts``).
_GIVEN = "leads_report_facts_given"
#: In ``session.info``: the ids of those of them with sectors, whose ``lead_sectors`` rows still need the copies.
_SECTOR_COPIES_PENDING = "leads_sector_copies_pending"
#: In ``_PENDING``: every lead (a stage was added, moved, deleted or became lost or not).
EVERY_LEAD = 0
FACTS = ("received_month", "response_seconds", "reached_position", "has_sector", "followed_up")
#: The lead columns the facts are derived from, and those its stage changes and sectors copy.
_SOURCES = ("created_at", "first_responded_at", "last_open_stage_id", "sectors",
            *{*LEAD_COPIES.values(), *SECTOR_COPIES.values()})


def reached_position():
    """The furthest stage a lead reached, as the funnel counts it: the highest position among the
    non-lost stages of its history and its last open stage (a lost lead counts up to there)."""
    return (select(func.max(Stage.position))
            .where(or_(Stage.id == Lead.last_open_stage_id,
                       Stage.is_lost.is_(False) & Stage.id.in_(
                           select(StageChange.to_stage_id).where(StageChange.lead_id == Lead.id).correlate(Lead))))
            .correlate(Lead).scalar_subquery())


def followed_up():
    """Whether the lead was followed up, as the reports count it: answered, then an e-mail to the
    investor after the first answer (written, scheduled or logged), or its automatic follow-up task done."""
    later_email = exists().where(Activity.lead_id == Lead.id, Activity.kind == ActivityKind.EMAIL,
                                 Activity.created_at > Lead.first_responded_at)
    task_done = exists().where(Task.lead_id == Lead.id, Task.follow_up.is_(True), Task.done_at.is_not(None))
    return and_(Lead.first_responded_at.is_not(None), or_(later_email, task_done))


#: The columns of an e-mail and of a follow-up task that ``followed_up`` reads.
_EMAIL_SOURCES = ("lead_id", "kind", "created_at")
_TASK_SOURCES = ("lead_id", "follow_up", "done_at")


def values() -> dict:
    return {"received_month": vietnam_month(Lead.created_at),
            "response_seconds": seconds_between(Lead.created_at, Lead.first_responded_at),
            "reached_position": reached_position(),
            "has_sector": exists().where(lead_sectors.c.lead_id == Lead.id),
            "followed_up": followed_up()}


@cache
def _update_facts():
    """Built once per process: a statement is immutable, and building this one took longer than running it."""
    # ``updated_at`` kept: a recomputed fact is not an edit of the lead
    return update(Lead).values(**values(), updated_at=Lead.updated_at)


def refresh(connection: Connection, lead_ids=None):
    """Recompute the facts of these leads, or of every lead (None: after a change of stages, or to
    backfill); for named leads, returns their (id, *facts) rows."""
    statement = _update_facts()
    if lead_ids is None:
        connection.execute(statement)
        return []
    return connection.execute(statement.where(Lead.id.in_(lead_ids))
                              .returning(Lead.id, *(getattr(Lead, name) for name in FACTS)))


@cache
def _copy_statements(for_named_leads: bool) -> tuple:
    """Built once per process, like ``_update_facts``: building them cost more than running them for
    the one lead a new inquiry writes."""
    statements = (update(StageChange).where(StageChange.lead_id == Lead.id)
                  .values({copy: getattr(Lead, column) for copy, column in LEAD_COPIES.items()}),
                  update(lead_sectors).where(lead_sectors.c.lead_id == Lead.id)
                  .values({copy: getattr(Lead, column) for copy, column in SECTOR_COPIES.items()}))
    if for_named_leads:
        return tuple(statement.where(Lead.id.in_(bindparam("lead_ids", expanding=True))) for statement in statements)
    return statements


def refresh_copies(connection: Connection, lead_ids=None) -> None:
    """Copy the leads' filter columns onto their stage changes and their sectors: of these leads,
    or of every lead."""
    for statement in _copy_statements(lead_ids is not None):
        connection.execute(statement, {"lead_ids": list(lead_ids)} if lead_ids is not None else {})


def born_facts(lead: Lead, history: list[StageChange]) -> dict | None:
    """What the UPDATEs would store for a lead not yet written, when its rows alone decide it: its
    arrival given (not the database's default), not yet answered, never closed, and one change of
    stage, into its stage. ``None`` for any other lead: the UPDATEs compute it."""
    stage, owner = lead.stage, lead.owner
    if (lead.created_at is None or lead.status is None or lead.first_responded_at is not None
            or lead.last_open_stage_id is not None or lead.last_open_stage is not None or stage is None
            or stage.id is None or len(history) != 1 or history[0].to_stage_id != stage.id
            or (owner is not None and owner.id is None)):
        return None
    return {"received_month": month_of(lead.created_at),
            "response_seconds": None, "reached_position": None if stage.is_lost else stage.position,
            "has_sector": bool(lead.sectors), "followed_up": False}


@event.listens_for(Session, "before_flush")
def _give_born_leads_their_facts(session: Session, _context, _instances) -> None:
    """A new inquiry's lead gets its facts, and its first stage change the copies, in their INSERTs:
    the UPDATEs after the flush would only read back what is known here (``born_facts``)."""
    histories: dict[int, list[StageChange]] = {}
    for item in session.new:
        if isinstance(item, StageChange) and item.lead is not None:
            histories.setdefault(id(item.lead), []).append(item)
    given = []
    for lead in session.new:
        if not isinstance(lead, Lead):
            continue
        history = histories.get(id(lead), [])
        facts = born_facts(lead, history)
        if facts is None:
            continue
        for name, value in facts.items():
            setattr(lead, name, value)
        owner_id = lead.owner.id if lead.owner is not None else lead.owner_id
        for copy, column in LEAD_COPIES.items():
            setattr(history[0], copy, owner_id if column == "owner_id" else getattr(lead, column))
        given.append(lead)
    if given:
        session.info[_GIVEN] = given


def _changed(item, names) -> bool:
    state = inspect(item)
    return any(state.attrs[name].history.has_changes() for name in names)


def _may_be_or_have_been(session: Session, item, name: str, value) -> bool:
    """Whether the attribute ``name`` is ``value`` now or may have been before this flush (its value
    before is unknown when it was changed without being loaded, e.g. after a commit)."""
    history = inspect(item).attrs[name].history
    if history.added and not history.deleted and not history.unchanged and item not in session.new:
        return True
    values = (*history.added, *history.unchanged, *history.deleted)
    return not values or value in values


def _leads_of(item) -> set[int]:
    """The leads a stage change, an activity or a task belongs to, and belonged to before this flush (a merge moves them)."""
    history = inspect(item).attrs.lead_id.history
    return {lead_id for lead_id in (*history.added, *history.unchanged, *history.deleted) if lead_id is not None}


def _moves_follow_up(session: Session, item) -> bool:
    """Whether an activity or a task written in this flush can move its lead's ``followed_up``: an
    e-mail, or a follow-up task, added, deleted, or with a column the fact reads changed."""
    if isinstance(item, Activity):
        kind, names = ("kind", ActivityKind.EMAIL), _EMAIL_SOURCES
    elif isinstance(item, Task):
        kind, names = ("follow_up", True), _TASK_SOURCES
    else:
        return False
    written = item in session.new or item in session.deleted or _changed(item, names)
    return written and _may_be_or_have_been(session, item, *kind)


@event.listens_for(Session, "after_flush")
def _note_leads_whose_facts_may_change(session: Session, _context) -> None:
    pending: set[int] = session.info.setdefault(_PENDING, set())
    given = session.info.pop(_GIVEN, [])
    given_ids = {lead.id for lead in given}
    session.info.setdefault(_SECTOR_COPIES_PENDING, set()).update(lead.id for lead in given if lead.has_sector)
    born_and_given = {item for item in session.new
                      if (isinstance(item, Lead) and item.id in given_ids)
                      or (isinstance(item, StageChange) and item.lead_id in given_ids)}
    for item in (*session.new, *session.dirty, *session.deleted):
        if item in born_and_given:
            continue
        if isinstance(item, Lead):
            if item in session.new or (item not in session.deleted and _changed(item, _SOURCES)):
                pending.add(item.id)
        elif isinstance(item, StageChange):
            pending.update(_leads_of(item))
        elif _moves_follow_up(session, item):
            session.info.setdefault(_FACTS_PENDING, set()).update(_leads_of(item))
        elif isinstance(item, Stage) and (item in session.new or item in session.deleted
                                          or _changed(item, ("position", "is_lost"))):
            pending.add(EVERY_LEAD)
        elif isinstance(item, Sector) and item in session.deleted:  # its interests go with it
            pending.add(EVERY_LEAD)


@event.listens_for(Session, "after_flush_postexec")
def _refresh_facts(session: Session, _context) -> None:
    """One UPDATE for the leads noted (all of them after a change of stages); it returns the values,
    so the loaded leads get them without another query. Another copies the noted leads' columns
    onto their stage changes (not for a change of e-mails or tasks alone: the lead's columns stay)."""
    copied = session.info.pop(_PENDING, None) or set()
    lead_ids = copied | (session.info.pop(_FACTS_PENDING, None) or set())
    sector_copies = session.info.pop(_SECTOR_COPIES_PENDING, None) or set()
    if sector_copies - copied:
        session.connection().execute(_copy_statements(True)[1], {"lead_ids": list(sector_copies - copied)})
        report_version.note_change(session, {"leads"},
                                   report_version.months_of_leads(session, sector_copies - copied))
    if not lead_ids:
        return
    if EVERY_LEAD in lead_ids:
        report_version.note_change(session)
    named = copied - {EVERY_LEAD}
    if named:
        refresh_copies(session.connection(), named)
        for item in list(session.identity_map.values()):
            if isinstance(item, StageChange) and item.lead_id in named:
                session.expire(item, list(LEAD_COPIES))
    if EVERY_LEAD in lead_ids:
        refresh(session.connection())
        for item in list(session.identity_map.values()):
            if isinstance(item, Lead):
                session.expire(item, list(FACTS))
        return
    months, found = set(), set()
    for lead_id, *facts in refresh(session.connection(), lead_ids):
        found.add(lead_id)
        months.add(facts[0])  # ``received_month``: the month of the leads' pieces of the kept figures
        lead = session.identity_map.get(session.identity_key(Lead, lead_id))
        if lead is not None:
            for name, value in zip(FACTS, facts):
                attributes.set_committed_value(lead, name, value)
    # The reports' figures these UPDATEs can move: the facts are the passes', the copies the stays'
    # too; a lead gone (deleted) by its month if the session knew it, else every month
    gone = report_version.months_of_leads(session, lead_ids - found)
    report_version.note_change(session, {"leads", "stays"} if copied else {"leads"},
                               None if gone is None or None in months else months | gone)
