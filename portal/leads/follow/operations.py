"""The state changes of the investor's private page: issuing links, and what the investor adds to
their lead. Like ``portal.leads.operations``: change, queue mail, flush; the view commits once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select

from portal import clock
from portal.extensions import db
from portal.leads import queries
from portal.leads.follow.links import new_token, token_hash
from portal.leads.models import Activity, ActivityKind, InquiryLink, InvestorDocument, Lead, LeadStatus
from portal.outbox import queue_mail
from portal.projects.media.uploads import write_private_file

#: ``Activity.submission_kind`` of what the investor added on their private page.
FOLLOW_KIND = "my_inquiry"


@dataclass(frozen=True)
class Document:
    """A file already checked by content (``uploads.checked_document``)."""

    data: bytes
    content_type: str
    extension: str
    original_name: str


def document_dir() -> Path:
    return Path(current_app.config["LEAD_DOCUMENT_DIR"])


def issue_link(lead: Lead) -> str:
    """A new private link to the lead's page; returns the token, which is only ever in the e-mail."""
    token, link = new_link(lead)
    db.session.add(link)
    return token


def new_link(lead: Lead) -> tuple[str, InquiryLink]:
    """``issue_link``'s token and link, the link not added to the session."""
    token, now = new_token(), clock.now()
    return token, InquiryLink(lead=lead, token_hash=token_hash(token), created_at=now,
                              expires_at=now + timedelta(days=current_app.config["INQUIRY_LINK_DAYS"]))


def lead_for_reference_and_email(reference: str, email: str) -> Lead | None:
    """The lead with this reference and e-mail (the one it was merged into, if so), or ``None``."""
    lead = db.session.scalar(select(Lead).where(Lead.reference == reference.strip().upper(),
                                                Lead.email_normalized == queries.normalize_email(email)))
    while lead is not None and lead.status == LeadStatus.MERGED and lead.merged_into is not None:
        lead = lead.merged_into
    return lead


def send_link_again(reference: str, email: str) -> bool:
    """Queue a new link to the inquiry's own address when reference and e-mail match; says whether
    they did (for the log only: the visitor gets the same answer either way)."""
    lead = lead_for_reference_and_email(reference, email)
    if lead is None:
        return False
    queue_mail("inquiry_link", lead.email, lead.preferred_language, lead.id, reference=lead.reference,
               follow_token=issue_link(lead))
    db.session.flush()
    current_app.logger.info("lead %s: private link sent again", lead.reference)
    return True


def add_from_investor(lead: Lead, body: str, documents: list[Document]) -> Activity:
    """A message and documents the investor added on their page: one entry on the lead's timeline
    (never a second lead), the files stored privately, the officer (or the centre) told by e-mail.
    Files written before a failed commit are left for ``LEAD_DOCUMENT_DIR``'s owner to clean."""
    now = clock.now()
    activity = Activity(kind=ActivityKind.MESSAGE, submission_kind=FOLLOW_KIND, body=body, created_at=now)
    lead.activities.append(activity)
    lead.last_message_at = now
    db.session.flush()
    stored = []
    for document in documents:
        name = write_private_file(document_dir(), document.data, document.extension)
        row = InvestorDocument(lead_id=lead.id, activity_id=activity.id, stored_name=name,
                               original_name=document.original_name[:255], content_type=document.content_type,
                               size_bytes=len(document.data), received_at=now)
        db.session.add(row)
        stored.append(row)
    db.session.flush()
    activity.details = {"documents": [{"id": row.id, "name": row.original_name or row.stored_name,
                                       "size": row.size_bytes} for row in stored]}
    recipient, language = ((lead.owner.email, lead.owner.language) if lead.owner is not None else
                           (current_app.config["PORTAL_LEADS_EMAIL"], current_app.config["PORTAL_LEADS_LANGUAGE"]))
    if recipient:
        queue_mail("investor_message", recipient, language, lead.id, reference=lead.reference,
                   company=lead.company, documents=len(stored), has_message=bool(body))
    db.session.flush()
    current_app.logger.info("lead %s: the investor added a message and %d documents", lead.reference, len(stored))
    return activity


def forget_investor_files(lead: Lead) -> int:
    """When the person's data is erased: their private links stop working, the documents they added
    are deleted (rows and files) and their names leave the timeline. Returns how many files went."""
    db.session.execute(delete(InquiryLink).where(InquiryLink.lead_id == lead.id))
    documents = list(db.session.scalars(select(InvestorDocument).where(InvestorDocument.lead_id == lead.id)))
    for document in documents:
        (document_dir() / Path(document.stored_name).name).unlink(missing_ok=True)
        db.session.delete(document)
    for activity in lead.activities:
        if activity.details and "documents" in activity.details:
            activity.details = {name: value for name, value in activity.details.items() if name != "documents"}
    return len(documents)
