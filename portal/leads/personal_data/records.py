"""Personal data requests: find everything held about an e-mail address, hand it over,
correct it, record a withdrawal of consent, or erase the person while keeping the statistics."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal import audit, clock
from portal.auth.models import User
from portal.extensions import db
from portal.leads.queries import working_hours_after
from portal.leads.models import Consent, DataRequest, Lead, Referrer
from portal.leads.operations import update_lead
from portal.outbox.models import OutboxMessage, OutboxStatus

ACKNOWLEDGE_WITHIN_WORKING_HOURS = 16  # two working days
COMPLETE_WITHIN = timedelta(days=15)
ERASED = "[erased]"


@dataclass
class Holdings:
    """Everything the portal holds about one e-mail address."""

    email: str
    leads: list[Lead]
    introduced: list[Lead]
    consents: list[Consent]
    referrers: list[Referrer]
    mails: int

    @property
    def empty(self) -> bool:
        return not (self.leads or self.introduced or self.consents or self.referrers or self.mails)


def find(email: str) -> Holdings:
    email = email.strip().lower()
    loaders = (selectinload(Lead.activities), selectinload(Lead.consents), selectinload(Lead.sectors))
    leads = list(db.session.scalars(select(Lead).where(Lead.email_normalized == email).options(*loaders)))
    introduced = list(db.session.scalars(select(Lead).where(func.lower(Lead.introducer_email) == email)))
    consents = list(db.session.scalars(select(Consent).where(func.lower(Consent.email) == email)))
    referrers = list(db.session.scalars(select(Referrer).where(func.lower(Referrer.email) == email)))
    mails = db.session.scalar(select(func.count(OutboxMessage.id)).where(func.lower(OutboxMessage.recipient) == email))
    return Holdings(email, leads, introduced, consents, referrers, mails)


def as_json(holdings: Holdings) -> str:
    def lead_record(lead: Lead) -> dict:
        return {
            "reference": lead.reference, "received": lead.created_at.isoformat(), "kind": lead.kind,
            "name": lead.name, "company": lead.company, "job_title": lead.job_title, "country": lead.country,
            "email": lead.email, "phone": lead.phone, "preferred_language": lead.preferred_language,
            "message": lead.message, "sectors": [sector.code for sector in lead.sectors],
            "estimated_investment_usd": lead.estimated_investment_usd,
            "land_need_ha": str(lead.land_need_ha) if lead.land_need_ha is not None else None,
            "timeline": lead.timeline, "stage": lead.stage.code, "status": lead.status,
            "timeline_entries": [{"at": a.created_at.isoformat(), "kind": a.kind, "text": a.body}
                                 for a in lead.activities],
        }

    return json.dumps({
        "email": holdings.email,
        "exported_at": clock.now().isoformat(),
        "leads": [lead_record(lead) for lead in holdings.leads],
        "introductions_made": [{"reference": lead.reference, "introducer_name": lead.introducer_name,
                                "introducer_organisation": lead.introducer_organisation}
                               for lead in holdings.introduced],
        "consents": [{"given_at": c.given_at.isoformat(), "purposes": c.purpose_list, "notice_version": c.notice_version,
                      "language": c.language, "ip_address": c.ip_address,
                      "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None}
                     for c in holdings.consents],
        "referrer_records": [{"name": r.name, "organisation": r.organisation, "code": r.code}
                             for r in holdings.referrers],
        "emails_sent_to_this_address": holdings.mails,
    }, ensure_ascii=False, indent=2)


def as_csv(holdings: Holdings) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["record", "reference", "field", "value"])
    for lead in holdings.leads:
        for field in ("name", "company", "job_title", "country", "email", "phone", "preferred_language", "message"):
            writer.writerow(["lead", lead.reference, field, getattr(lead, field)])
    for consent in holdings.consents:
        writer.writerow(["consent", consent.lead_id, "given_at", consent.given_at.isoformat()])
        writer.writerow(["consent", consent.lead_id, "purposes", consent.purposes])
    return buffer.getvalue().encode("utf-8-sig")


def open_request(email: str, kind: str, channel: str, notes: str, user: User) -> DataRequest:
    received = clock.now()
    request = DataRequest(email=email.strip().lower(), kind=kind, channel=channel, notes=notes, received_at=received,
                          acknowledge_by=working_hours_after(received, ACKNOWLEDGE_WITHIN_WORKING_HOURS),
                          complete_by=received + COMPLETE_WITHIN, created_by_id=user.id)
    db.session.add(request)
    db.session.flush()
    audit.record("data_request", request.id, "open", {"email": (None, request.email), "kind": (None, kind)},
                 user_id=user.id)
    db.session.commit()
    return request


def acknowledge(request: DataRequest, user: User) -> None:
    if request.acknowledged_at is None:
        request.acknowledged_at = clock.now()
        audit.record("data_request", request.id, "acknowledge", {}, user_id=user.id)
        db.session.commit()


def complete(request: DataRequest, note: str, user: User) -> None:
    now = clock.now()
    request.acknowledged_at = request.acknowledged_at or now
    request.completed_at = now
    if note:
        request.notes = (request.notes + "\n" + note).strip()
    audit.record("data_request", request.id, "complete", {"note": (None, note)}, user_id=user.id)
    db.session.commit()


def withdraw_consent(holdings: Holdings, user: User) -> int:
    now = clock.now()
    withdrawn = 0
    for consent in holdings.consents:
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now
            withdrawn += 1
            audit.record("consent", consent.id, "withdraw", {"withdrawn_at": (None, now)}, user_id=user.id)
    db.session.commit()
    return withdrawn


CORRECTABLE = ("name", "company", "job_title", "email", "phone")


def correct(lead: Lead, values: dict, user: User) -> None:
    update_lead(lead, {name: value for name, value in values.items() if name in CORRECTABLE}, None, user,
                action="correct_personal_data")


def erase(holdings: Holdings, user: User) -> int:
    """Anonymise the person everywhere; keep what statistics need (country, sectors, amounts,
    stages, dates, source). The audit entry names the leads, not the person."""
    for lead in holdings.leads:
        anonymous = f"erased-{lead.id}@invalid"
        lead.name, lead.job_title, lead.phone, lead.message = ERASED, "", "", ""
        lead.email, lead.email_normalized = anonymous, anonymous
        lead.landing_page = ""
        for activity in lead.activities:
            activity.body = ERASED if activity.body else ""
        audit.record("lead", lead.id, "erase_personal_data", {}, user_id=user.id)
    for lead in holdings.introduced:
        lead.introducer_name, lead.introducer_email, lead.introducer_organisation = ERASED, "", ""
        audit.record("lead", lead.id, "erase_introducer", {}, user_id=user.id)
    for consent in holdings.consents:
        consent.email, consent.ip_address = ERASED, ""
    for referrer in holdings.referrers:
        referrer.name, referrer.email, referrer.active = ERASED, "", False
        audit.record("referrer", referrer.id, "erase_personal_data", {}, user_id=user.id)
    mails = db.session.scalars(select(OutboxMessage).where(func.lower(OutboxMessage.recipient) == holdings.email))
    for mail in mails:
        mail.recipient, mail.body, mail.subject = ERASED, ERASED, ERASED
        if mail.status != OutboxStatus.SENT:
            mail.status, mail.last_error = OutboxStatus.FAILED, "not sent: the person's data was erased"
    db.session.commit()
    return len(holdings.leads) + len(holdings.introduced)


def requests(open_only: bool = False) -> list[DataRequest]:
    stmt = select(DataRequest).order_by(DataRequest.completed_at.is_not(None), DataRequest.complete_by)
    if open_only:
        stmt = stmt.where(DataRequest.completed_at.is_(None))
    return list(db.session.scalars(stmt))
