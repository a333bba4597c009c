"""Sending an officer's message to the investor: through the outbox (retries, nothing lost), from the
centre's address, answered at the lead's plus address, threaded after the last message of the
conversation, and recorded on the timeline as an e-mail (the first one stops the first-response clock
through ``log_activity``, the same path as a logged e-mail)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from portal import audit, clock
from portal.auth.models import User
from portal.extensions import db
from portal.leads import queries
from portal.leads.models import SCHEDULED_KIND, Activity, ActivityKind, Lead, ScheduledMessage, Task
from portal.leads.operations import log_activity
from portal.outbox.compose import queue_written
from portal.outbox.models import OutboxMessage, OutboxStatus, reply_address
from portal.projects.models import IndustrialPark, InvestmentProject, MediaFile, MediaKind

#: How many earlier Message-IDs ``References`` names at most (the first and the latest ones matter).
MAX_REFERENCES = 10


def brochures_for(lead: Lead) -> list[MediaFile]:
    """Every catalogue brochure, those of the projects and parks the investor asked about first."""
    wanted_projects = {project.id for project in lead.projects}
    wanted_parks = {park.id for park in lead.parks}
    brochures = db.session.scalars(
        select(MediaFile).where(MediaFile.kind == MediaKind.BROCHURE)
        .options(selectinload(MediaFile.project).selectinload(InvestmentProject.texts),
                 selectinload(MediaFile.park).selectinload(IndustrialPark.texts))
        .order_by(MediaFile.position, MediaFile.id)).all()
    return sorted(brochures, key=lambda media: not (media.project_id in wanted_projects
                                                   or media.park_id in wanted_parks))


def thread_of(lead: Lead) -> list[str]:
    """The conversation's Message-IDs, oldest first: the acknowledgement the investor got, then every
    timeline entry that carries one (messages sent from here, the investor's replies once read)."""
    ids = list(db.session.scalars(select(OutboxMessage.message_id).where(
        OutboxMessage.lead_id == lead.id, OutboxMessage.kind == "acknowledgement").order_by(OutboxMessage.id)))
    ids += [activity.details["message_id"] for activity in lead.activities
            if isinstance(activity.details, dict) and activity.details.get("message_id")]
    unique = list(dict.fromkeys(ids))
    return unique[:1] + unique[1:][-(MAX_REFERENCES - 1):] if len(unique) > MAX_REFERENCES else unique


def write_to_investor(lead: Lead, subject: str, body: str, attachments: list[MediaFile], user: User,
                      template: str = "") -> OutboxMessage:
    """Queue the message and put it on the timeline with its text; the view commits both at once."""
    message = queue_written(lead.email, subject, body, lead.preferred_language, lead.id,
                            reply_to=reply_address(lead.reference), thread=thread_of(lead),
                            attachments=[media.id for media in attachments])
    db.session.flush()
    _on_timeline(lead, message, user, template,
                 [media.original_name or media.stored_name for media in attachments])
    return message


def _on_timeline(lead: Lead, message: OutboxMessage, user: User, template: str, attachments: list[str],
                 **details) -> Activity:
    """A message written to the investor as an e-mail on the timeline (the first stops the clock)."""
    activity = log_activity(lead, ActivityKind.EMAIL, f"{message.subject}\n\n{message.body}", user)
    activity.details = {"outbox_id": message.id, "message_id": message.message_id, "template": template,
                        "attachments": attachments, **details}
    db.session.flush()
    return activity


# --- follow-ups ------------------------------------------------------------------------------


def schedule_follow_up(lead: Lead, subject: str, body: str, attachments: list[MediaFile], send_at: datetime,
                       user: User, template: str = "") -> ScheduledMessage:
    """Queue the message for ``send_at``: the outbox's senders leave it alone until then, and it goes on
    the timeline when sent (``record_sent_follow_up``), unless the investor writes first."""
    message = queue_written(lead.email, subject, body, lead.preferred_language, lead.id,
                            reply_to=reply_address(lead.reference), thread=thread_of(lead),
                            attachments=[media.id for media in attachments], kind=SCHEDULED_KIND,
                            not_before=send_at)
    db.session.flush()
    scheduled = ScheduledMessage(lead_id=lead.id, outbox_id=message.id, send_at=send_at, template=template,
                                 created_by_id=user.id, message=message)
    db.session.add(scheduled)
    db.session.flush()
    audit.record("scheduled_message", scheduled.id, "create", {"lead": (None, lead.reference),
                                                               "send_at": (None, send_at),
                                                               "subject": (None, subject)}, user_id=user.id)
    db.session.flush()
    return scheduled


def cancel_follow_up(lead: Lead, scheduled: ScheduledMessage, user: User | None, because: str = "") -> bool:
    """Call the e-mail off (``user`` None: because the investor replied; ``because="closed"``: the lead
    was lost or registered), unless a sender has already taken it: the conditional UPDATE and the
    senders' claim exclude each other, so it is either sent or cancelled, never both. Says so on the
    timeline."""
    if scheduled.cancelled_at is not None:
        return False
    called_off = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == scheduled.outbox_id,
                                    OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED, last_error="")).rowcount
    if called_off != 1:
        return False
    because = because or ("staff" if user is not None else "reply")
    now = clock.now()
    scheduled.cancelled_at, scheduled.cancelled_because = now, because
    _called_off(lead, {"what": "email", "subject": scheduled.message.subject, "because": because}, user, now)
    audit.record("scheduled_message", scheduled.id, "cancel", {"cancelled_because": ("", because)},
                 user_id=user.id if user else None)
    db.session.flush()
    return True


def _called_off(lead: Lead, details: dict, user: User | None, now) -> None:
    lead.activities.append(Activity(kind=ActivityKind.FOLLOW_UP_CANCELLED, user_id=user.id if user else None,
                                    created_at=now, details=details))


def call_off_follow_ups(lead: Lead) -> None:
    """The investor wrote: the follow-up e-mails still waiting are cancelled, and the open automatic
    follow-up tasks removed (the reply makes them needless; "waiting for us" takes over), each said
    on the timeline."""
    for scheduled in queries.waiting_follow_ups(lead):
        cancel_follow_up(lead, scheduled, None)
    now = clock.now()
    for task in list(db.session.scalars(select(Task).where(Task.lead_id == lead.id, Task.follow_up.is_(True),
                                                           Task.done_at.is_(None)))):
        _called_off(lead, {"what": "task", "subject": task.title, "because": "reply"}, None, now)
        audit.record("task", task.id, "delete", {"title": (task.title, None), "due_date": (task.due_date, None)})
        if task in lead.tasks:
            lead.tasks.remove(task)
        else:
            db.session.delete(task)
    db.session.flush()


def call_off_when_closed(lead: Lead, user: User) -> None:
    """A lead lost or registered gets no more follow-up e-mails: those still waiting are cancelled."""
    for scheduled in queries.waiting_follow_ups(lead):
        cancel_follow_up(lead, scheduled, user, because="closed")


def record_sent_follow_up(message: OutboxMessage) -> None:
    """The outbox sent a scheduled follow-up: it goes on the timeline as the officer's e-mail."""
    scheduled = db.session.scalar(select(ScheduledMessage).where(ScheduledMessage.outbox_id == message.id))
    lead = db.session.get(Lead, scheduled.lead_id) if scheduled is not None else None
    if lead is None:
        return
    attached = db.session.scalars(select(MediaFile).where(MediaFile.id.in_(message.attachments or [])))
    _on_timeline(lead, message, scheduled.created_by, scheduled.template,
                 [media.original_name or media.stored_name for media in attached], scheduled=True)
