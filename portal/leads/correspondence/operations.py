"""Sending an officer's message to the investor: through the outbox (retries, nothing lost), from the
centre's address, answered at the lead's plus address, threaded after the last message of the
conversation, and recorded on the timeline as an e-mail (the first one stops the first-response clock
through ``log_activity``, the same path as a logged e-mail)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.auth.models import User
from portal.extensions import db
from portal.leads.models import ActivityKind, Lead
from portal.leads.operations import log_activity
from portal.outbox.compose import queue_written
from portal.outbox.models import OutboxMessage, reply_address
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
    activity = log_activity(lead, ActivityKind.EMAIL, f"{subject}\n\n{body}", user)
    activity.details = {"outbox_id": message.id, "message_id": message.message_id, "template": template,
                        "attachments": [media.original_name or media.stored_name for media in attachments]}
    db.session.flush()
    return message
