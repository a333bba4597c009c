"""Acting on a personal data request (Law 91/2025, Decree 356/2025): record it with its deadlines,
acknowledge and complete it, correct the person's data, record a withdrawal of consent, or erase
the person while keeping the statistics. Each change is audited and flushed; the view commits."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from portal import audit, clock
from portal.auth.models import User
from portal.extensions import db
from portal.leads.follow.operations import forget_investor_files
from portal.leads.models import DataRequest, Lead
from portal.leads.operations import update_lead
from portal.leads.personal_data.records import Holdings
from portal.leads.queries import working_hours_after
from portal.outbox.models import OutboxMessage, OutboxStatus

ACKNOWLEDGE_WITHIN_WORKING_HOURS = 16  # two working days
COMPLETE_WITHIN = timedelta(days=15)
ERASED = "[erased]"


def open_request(email: str, kind: str, channel: str, notes: str, user: User) -> DataRequest:
    received = clock.now()
    request = DataRequest(email=email.strip().lower(), kind=kind, channel=channel, notes=notes, received_at=received,
                          acknowledge_by=working_hours_after(received, ACKNOWLEDGE_WITHIN_WORKING_HOURS),
                          complete_by=received + COMPLETE_WITHIN, created_by_id=user.id)
    db.session.add(request)
    db.session.flush()
    audit.record("data_request", request.id, "open", {"email": (None, request.email), "kind": (None, kind)},
                 user_id=user.id)
    db.session.flush()
    return request


def acknowledge(request: DataRequest, user: User) -> None:
    if request.acknowledged_at is None:
        request.acknowledged_at = clock.now()
        audit.record("data_request", request.id, "acknowledge", {}, user_id=user.id)
        db.session.flush()


def complete(request: DataRequest, note: str, user: User) -> None:
    now = clock.now()
    request.acknowledged_at = request.acknowledged_at or now
    request.completed_at = now
    if note:
        request.notes = (request.notes + "\n" + note).strip()
    audit.record("data_request", request.id, "complete", {"note": (None, note)}, user_id=user.id)
    db.session.flush()


def withdraw_consent(holdings: Holdings, user: User) -> int:
    now = clock.now()
    withdrawn = 0
    for consent in holdings.consents:
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now
            withdrawn += 1
            audit.record("consent", consent.id, "withdraw", {"withdrawn_at": (None, now)}, user_id=user.id)
    db.session.flush()
    return withdrawn


CORRECTABLE = ("name", "company", "job_title", "email", "phone")


def correct(lead: Lead, values: dict, user: User) -> None:
    update_lead(lead, {name: value for name, value in values.items() if name in CORRECTABLE}, None, user,
                action="correct_personal_data")


def erase(holdings: Holdings, user: User) -> int:
    """Anonymise the person everywhere; keep what statistics need (country, sectors, amounts,
    stages, dates, source, site visits' dates and parks). The audit entry names the leads, not the person."""
    for lead in holdings.leads:
        anonymous = f"erased-{lead.id}@invalid"
        lead.name, lead.job_title, lead.phone, lead.message = ERASED, "", "", ""
        lead.email, lead.email_normalized = anonymous, anonymous
        lead.landing_page = ""
        for activity in lead.activities:
            activity.body = ERASED if activity.body else ""
        for visit in lead.site_visits:
            # the dates, parks, status and answer stay for the statistics; the note and the meeting
            # point (often the investor's hotel or office) are what the officer wrote about the person
            visit.note, visit.meeting_point = "", ""
        forget_investor_files(lead)
        audit.record("lead", lead.id, "erase_personal_data", {}, user_id=user.id)
    for lead in holdings.introduced:
        lead.introducer_name, lead.introducer_email, lead.introducer_organisation = ERASED, "", ""
        audit.record("lead", lead.id, "erase_introducer", {}, user_id=user.id)
    for consent in holdings.consents:
        consent.email, consent.ip_address = ERASED, ""
    for referrer in holdings.referrers:
        referrer.name, referrer.email, referrer.active = ERASED, "", False
        audit.record("referrer", referrer.id, "erase_personal_data", {}, user_id=user.id)
    for contact in holdings.company_contacts:
        # The company, its projects and visits stay: the person is gone from its contacts' details
        contact.name, contact.role, contact.email, contact.phone = ERASED, "", "", ""
        audit.record("company_contact", contact.id, "erase_personal_data", {}, user_id=user.id)
    for issue in holdings.issues:
        # The issue stays, with its category, agency, company and dates, for the reports
        issue.raised_by_name, issue.raised_by_email, issue.description = ERASED, "", ERASED if issue.description else ""
        audit.record("issue", issue.id, "erase_personal_data", {}, user_id=user.id)
    mails = db.session.scalars(select(OutboxMessage).where(func.lower(OutboxMessage.recipient) == holdings.email))
    for mail in mails:
        mail.recipient, mail.body, mail.subject, mail.context = ERASED, ERASED, ERASED, None
        mail.calendar = None  # the invitation names the investor too
        mail.thread, mail.reply_to = None, ""  # the investor's own Message-IDs can name their mail domain
        if mail.status != OutboxStatus.SENT:
            mail.status, mail.last_error = OutboxStatus.FAILED, "not sent: the person's data was erased"
    db.session.flush()
    return len(holdings.leads) + len(holdings.introduced) + len(holdings.company_contacts) + len(holdings.issues)
