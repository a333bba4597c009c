"""Recording a fetched e-mail: matched to its lead (a ``REPLY`` on the timeline, attachments kept like
the investor's documents, the owner told) or kept as unmatched. Like ``portal.leads.operations``:
change, queue mail, flush; the caller commits once per message."""
from __future__ import annotations

from io import BytesIO

from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal import audit, clock
from portal.auth.models import User
from portal.extensions import db
from portal.leads import queries
from portal.leads.correspondence.operations import call_off_follow_ups
from portal.leads.follow.operations import document_dir
from portal.leads.mailbox.matching import Reply, references_in
from portal.leads.models import (Activity, ActivityKind, InvestorDocument, Lead, LeadStatus, MailboxMessage,
                                 MailboxStatus)
from portal.leads.visits.operations import record_answer
from portal.outbox import queue_mail
from portal.outbox.models import OutboxMessage
from portal.projects.media.uploads import UploadRejected, checked_document, write_private_file


def survivor(lead: Lead | None) -> Lead | None:
    """A merged lead's replies go to the lead it was merged into."""
    seen = set()
    while lead is not None and lead.status == LeadStatus.MERGED and lead.merged_into is not None \
            and lead.id not in seen:
        seen.add(lead.id)
        lead = lead.merged_into
    return lead


def lead_by_reference(reference: str) -> Lead | None:
    return survivor(db.session.scalar(select(Lead).where(Lead.reference == reference.strip().upper())))


def find_lead(reply: Reply) -> tuple[Lead | None, str]:
    """The lead a reply belongs to and how it was found: by the plus address it was sent to, by the
    thread it answers (one of our e-mails, or an earlier reply), or by the sender when exactly one open
    lead has that address. ``(None, "")`` otherwise."""
    for reference in references_in(reply.recipients):
        if (lead := lead_by_reference(reference)) is not None:
            return lead, "plus_address"
    if reply.thread_ids:
        lead_id = db.session.scalar(select(OutboxMessage.lead_id).where(
            OutboxMessage.message_id.in_(reply.thread_ids), OutboxMessage.lead_id.is_not(None)).limit(1))
        if lead_id is None:
            lead_id = db.session.scalar(select(MailboxMessage.lead_id).where(
                MailboxMessage.message_id.in_(reply.thread_ids), MailboxMessage.lead_id.is_not(None)).limit(1))
        if lead_id is not None and (lead := survivor(db.session.get(Lead, lead_id))) is not None:
            return lead, "thread"
    if reply.sender:
        leads = list(db.session.scalars(select(Lead).where(
            Lead.email_normalized == queries.normalize_email(reply.sender),
            Lead.status == LeadStatus.OPEN).limit(2)))
        if len(leads) == 1:
            return leads[0], "sender"
    return None, ""


def already_recorded(message_id: str, folder: str, uidvalidity: int, uid: int) -> bool:
    return db.session.scalar(select(func.count(MailboxMessage.id)).where(
        (MailboxMessage.message_id == message_id) | ((MailboxMessage.folder == folder)
                                                     & (MailboxMessage.uidvalidity == uidvalidity)
                                                     & (MailboxMessage.uid == uid)))) > 0


def _keep_attachments(lead: Lead, activity: Activity, reply: Reply) -> tuple[list[InvestorDocument], list[str]]:
    """PDFs and images, checked by content as uploads are, stored privately; anything else is refused
    (named on the timeline so staff can ask for it another way)."""
    kept, refused = [], []
    for attachment in reply.attachments:
        try:
            data, content_type, extension = checked_document(
                FileStorage(BytesIO(attachment.data), filename=attachment.name),
                current_app.config["LEAD_DOCUMENT_MAX_BYTES"])
        except UploadRejected:
            refused.append(attachment.name or "?")
            continue
        name = write_private_file(document_dir(), data, extension)
        row = InvestorDocument(lead_id=lead.id, activity_id=activity.id, stored_name=name,
                               original_name=attachment.name, content_type=content_type,
                               size_bytes=len(data), received_at=activity.created_at)
        db.session.add(row)
        kept.append(row)
    db.session.flush()
    return kept, refused


def add_reply(lead: Lead, reply: Reply) -> Activity:
    """The reply on the lead's timeline (text only), its attachments kept, the lead marked "investor
    replied, waiting for us", its waiting follow-ups called off, and the owner (or the centre's address) told through the outbox."""
    now = clock.now()
    activity = Activity(kind=ActivityKind.REPLY, body=reply.text, created_at=now)
    lead.activities.append(activity)
    lead.last_message_at = now
    lead.investor_replied_at = now
    db.session.flush()
    call_off_follow_ups(lead)
    kept, refused = _keep_attachments(lead, activity, reply)
    activity.details = {
        "message_id": reply.message_id, "from": reply.sender, "subject": reply.subject,
        "attachments": [row.original_name or row.stored_name for row in kept],
        "documents": [{"id": row.id, "name": row.original_name or row.stored_name, "size": row.size_bytes}
                      for row in kept],
        "refused": refused,
    }
    for answer in reply.calendar_answers:
        record_answer(lead, answer.uid, answer.sequence, answer.partstat, activity)
    recipient, language = ((lead.owner.email, lead.owner.language) if lead.owner is not None else
                           (current_app.config["PORTAL_LEADS_EMAIL"], current_app.config["PORTAL_LEADS_LANGUAGE"]))
    if recipient:
        queue_mail("investor_reply", recipient, language, lead.id, reference=lead.reference,
                   company=lead.company, subject=reply.subject, documents=len(kept))
    db.session.flush()
    return activity


def record(reply: Reply, raw: bytes, folder: str, uidvalidity: int, uid: int) -> MailboxMessage:
    """One fetched e-mail, matched or kept as unmatched (with the raw message, to attach it later)."""
    lead, matched_by = find_lead(reply)
    row = MailboxMessage(message_id=reply.message_id, folder=folder, uidvalidity=uidvalidity, uid=uid,
                         sender=reply.sender, subject=reply.subject, body=reply.text, matched_by=matched_by,
                         status=MailboxStatus.MATCHED if lead else MailboxStatus.UNMATCHED,
                         lead_id=lead.id if lead else None, raw=None if lead else raw,
                         received_at=clock.now())
    db.session.add(row)
    if lead is not None:
        add_reply(lead, reply)
        current_app.logger.info("mailbox: reply %s attached to lead %s (%s)", reply.message_id, lead.reference,
                                matched_by)
    else:
        current_app.logger.info("mailbox: reply %s unmatched", reply.message_id)
    db.session.flush()
    return row


def attach(row: MailboxMessage, lead: Lead, reply: Reply, user: User) -> Activity:
    """Staff put an unmatched reply on a lead."""
    activity = add_reply(lead, reply)
    row.status, row.lead_id, row.matched_by, row.raw = MailboxStatus.MATCHED, lead.id, "staff", None
    audit.record("mailbox_message", row.id, "attach", {"lead": (None, lead.reference)}, user_id=user.id)
    db.session.flush()
    return activity


def discard(row: MailboxMessage, user: User) -> None:
    """Staff drop an unmatched e-mail (spam, out of office): its content goes, the row stays so it is
    never fetched again."""
    row.status, row.raw, row.body = MailboxStatus.DISCARDED, None, ""
    audit.record("mailbox_message", row.id, "discard", {"status": (MailboxStatus.UNMATCHED, MailboxStatus.DISCARDED)},
                 user_id=user.id)
    db.session.flush()
