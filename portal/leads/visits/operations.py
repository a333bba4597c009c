"""Proposing, confirming, changing and cancelling a site visit: each one saved, audited, sent to the
investor through the outbox (in their language, threaded with the conversation, with the calendar
invitation) and recorded on the timeline; confirming moves the lead to the site-visit stage with the
visit's date. Operations flush; the view commits."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from portal import audit
from portal.auth.models import User
from portal.clock import VIETNAM, as_utc
from portal.extensions import db
from portal.leads.correspondence.operations import thread_of
from portal.leads.models import Activity, ActivityKind, Lead, SiteVisit, SiteVisitStop, Stage, VisitStatus
from portal.leads.operations import log_activity, move_to_stage
from portal.leads.rules.stage_facts import StageFacts
from portal.leads.visits.itinerary import invitation, mail_context
from portal.links import base_host
from portal.outbox.compose import queue_written, render_mail
from portal.outbox.models import OutboxMessage, reply_address
from portal.projects.models import IndustrialPark

#: The default pipeline's stage a confirmed visit moves the lead to.
SITE_VISIT_STAGE = "site_visit"


@dataclass(frozen=True)
class VisitPlan:
    starts_at: datetime
    ends_at: datetime
    #: The parks in order, each with the time the delegation arrives (or ``None``).
    stops: list[tuple[IndustrialPark, datetime | None]]
    meeting_point: str
    guide_language: str
    note: str


def _new_uid() -> str:
    return f"site-visit-{secrets.token_hex(12)}@{base_host(current_app.config['PORTAL_BASE_URL']) or 'invest-portal'}"


def _facts(visit: SiteVisit) -> dict:
    return {"status": visit.status, "starts_at": as_utc(visit.starts_at), "ends_at": as_utc(visit.ends_at),
            "meeting_point": visit.meeting_point, "guide_language": visit.guide_language, "note": visit.note,
            "parks": [stop.park.slug for stop in visit.stops]}


def plan_visit(lead: Lead, plan: VisitPlan, user: User, confirm: bool) -> SiteVisit:
    """Propose (or confirm) the visit, or change the one planned: the invitation keeps its UID and
    its SEQUENCE grows, so the investor's calendar updates the entry it has."""
    visit = lead.current_visit
    before = _facts(visit) if visit else {}
    if visit is None:
        visit = SiteVisit(lead=lead, uid=_new_uid(), sequence=0)
        db.session.add(visit)
    else:
        visit.sequence += 1
    visit.status = VisitStatus.CONFIRMED if confirm else VisitStatus.PROPOSED
    visit.starts_at, visit.ends_at = plan.starts_at, plan.ends_at
    visit.meeting_point, visit.guide_language, visit.note = plan.meeting_point, plan.guide_language, plan.note
    visit.stops = [SiteVisitStop(position=position, park=park, arrives_at=arrives_at)
                   for position, (park, arrives_at) in enumerate(plan.stops)]
    visit.user_id = user.id
    db.session.flush()
    after = _facts(visit)
    audit.record("site_visit", visit.id, "confirm" if confirm else "propose",
                 {name: (before.get(name), value) for name, value in after.items() if before.get(name) != value},
                 user_id=user.id)
    _send(lead, visit, user)
    if confirm:
        _record_visit_dates(lead, visit, user)
    return visit


def cancel_visit(lead: Lead, visit: SiteVisit, user: User) -> None:
    """Cancel the visit and send the cancellation (METHOD:CANCEL, same UID, next SEQUENCE)."""
    previous = visit.status
    visit.status, visit.sequence, visit.user_id = VisitStatus.CANCELLED, visit.sequence + 1, user.id
    db.session.flush()
    audit.record("site_visit", visit.id, "cancel", {"status": (previous, visit.status)}, user_id=user.id)
    _send(lead, visit, user)


def record_answer(lead: Lead, uid: str, sequence: int, partstat: str, activity: Activity) -> SiteVisit | None:
    """The investor's calendar answer (iTIP REPLY) to one of the lead's visits, read from ``activity`` (the
    reply on the timeline, which notes it). An answer to an older invitation than the visit's latest
    (a smaller SEQUENCE), or older than the answer kept, is noted but changes nothing. ``None`` when
    the UID is none of this lead's visits."""
    visit = next((visit for visit in lead.site_visits if visit.uid == uid), None)
    if visit is None:
        return None
    stale = sequence < visit.sequence or (visit.answer_sequence is not None and sequence < visit.answer_sequence)
    activity.details = {**(activity.details or {}), "visit_answer": {
        "visit_id": visit.id, "answer": partstat, "sequence": sequence, "stale": stale}}
    if not stale:
        before = (visit.answer, visit.answer_sequence)
        visit.answer, visit.answered_at, visit.answer_sequence = partstat, activity.created_at, sequence
        audit.record("site_visit", visit.id, "answer", {"answer": (before[0] or None, partstat),
                                                         "answer_sequence": (before[1], sequence)}, user_id=None)
    db.session.flush()
    return visit


def _send(lead: Lead, visit: SiteVisit, user: User) -> OutboxMessage:
    with force_locale(lead.preferred_language):
        subject, body = render_mail("site_visit", lead.preferred_language, mail_context(lead, visit, user))
    message = queue_written(lead.email, subject, body, lead.preferred_language, lead.id,
                            reply_to=reply_address(lead.reference), thread=thread_of(lead),
                            calendar=invitation(lead, visit), kind="site_visit")
    db.session.flush()
    activity = log_activity(lead, ActivityKind.EMAIL, f"{subject}\n\n{body}", user)
    activity.details = {"outbox_id": message.id, "message_id": message.message_id, "visit_id": visit.id,
                        "visit": visit.status, "attachments": ["invite.ics"]}
    db.session.flush()
    return message


def _record_visit_dates(lead: Lead, visit: SiteVisit, user: User) -> None:
    """An open lead before the site-visit stage moves to it with the visit's date (the stage's own
    rules and history, through ``move_to_stage``); a lead already there or further keeps its stage and
    takes the new dates."""
    day = as_utc(visit.starts_at).astimezone(VIETNAM).date()
    last_day = as_utc(visit.ends_at).astimezone(VIETNAM).date()
    stage = db.session.scalar(select(Stage).where(Stage.code == SITE_VISIT_STAGE))
    if stage is not None and lead.stage.is_open and lead.stage.position < stage.position:
        move_to_stage(lead, stage, user, StageFacts(visit_from=day))
    changes = {name: (getattr(lead, name), value) for name, value in (("visit_from", day), ("visit_to", last_day))
               if getattr(lead, name) != value}
    if changes:
        lead.visit_from, lead.visit_to = day, last_day
        audit.record("lead", lead.id, "visit_dates", changes, user_id=user.id)
    db.session.flush()
