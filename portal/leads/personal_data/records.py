"""Everything the portal holds about one e-mail address, and that data handed over as JSON or CSV."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.extensions import db
from portal.leads.models import (CompanyContact, Consent, DataRequest, InvestorDocument, Issue, Lead, Referrer,
                                 SiteVisit, SiteVisitStop)
from portal.outbox.models import OutboxMessage
from portal.spreadsheets import csv_bytes


@dataclass
class Holdings:
    """Everything the portal holds about one e-mail address."""

    email: str
    leads: list[Lead]
    introduced: list[Lead]
    consents: list[Consent]
    referrers: list[Referrer]
    mails: int
    #: What the person sent on their inquiry page (``/my-inquiry``): named and described, not attached.
    documents: list[InvestorDocument] = field(default_factory=list)
    #: The person as a contact of an investor company (aftercare).
    company_contacts: list[CompanyContact] = field(default_factory=list)
    #: The issues the person raised through the form for existing investors.
    issues: list[Issue] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.leads or self.introduced or self.consents or self.referrers or self.mails
                    or self.company_contacts or self.issues)


def find(email: str) -> Holdings:
    email = email.strip().lower()
    loaders = (selectinload(Lead.activities), selectinload(Lead.consents), selectinload(Lead.sectors),
               selectinload(Lead.site_needs),
               selectinload(Lead.site_visits).selectinload(SiteVisit.stops).joinedload(SiteVisitStop.park))
    leads = list(db.session.scalars(select(Lead).where(Lead.email_normalized == email).options(*loaders)))
    introduced = list(db.session.scalars(select(Lead).where(func.lower(Lead.introducer_email) == email)))
    consents = list(db.session.scalars(select(Consent).where(func.lower(Consent.email) == email)))
    referrers = list(db.session.scalars(select(Referrer).where(func.lower(Referrer.email) == email)))
    mails = db.session.scalar(select(func.count(OutboxMessage.id)).where(func.lower(OutboxMessage.recipient) == email))
    documents = list(db.session.scalars(select(InvestorDocument).where(
        InvestorDocument.lead_id.in_([lead.id for lead in leads])).order_by(InvestorDocument.id))) if leads else []
    contacts = list(db.session.scalars(select(CompanyContact).where(CompanyContact.email_normalized == email)
                                       .options(selectinload(CompanyContact.company)).order_by(CompanyContact.id)))
    issues = list(db.session.scalars(select(Issue).where(Issue.email_normalized == email).order_by(Issue.id)))
    return Holdings(email, leads, introduced, consents, referrers, mails, documents, contacts, issues)


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
            "site_needs": _site_needs(lead.site_needs),
            "site_visits": [_site_visit(visit) for visit in lead.site_visits],
            "documents": [{"name": d.original_name, "type": d.content_type, "bytes": d.size_bytes,
                           "received": d.received_at.isoformat()}
                          for d in holdings.documents if d.lead_id == lead.id],
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
        "company_contacts": [{"company": c.company.name, "name": c.name, "role": c.role, "language": c.language,
                              "email": c.email, "phone": c.phone} for c in holdings.company_contacts],
        "issues_raised": [{"reference": i.reference, "raised_on": i.raised_on.isoformat(), "name": i.raised_by_name,
                           "company": i.raised_by_company, "email": i.raised_by_email, "language": i.language,
                           "category": i.category, "subject": i.subject, "description": i.description,
                           "status": i.status} for i in holdings.issues],
    }, ensure_ascii=False, indent=2)


def _site_visit(visit: SiteVisit) -> dict:
    """A visit as the person may read it: when, the parks in order, where to meet, its status and
    their calendar's answer."""
    return {"starts_at": visit.starts_at.isoformat(), "ends_at": visit.ends_at.isoformat(),
            "parks": [stop.park.slug for stop in visit.stops], "meeting_point": visit.meeting_point,
            "guide_language": visit.guide_language, "note": visit.note, "status": visit.status,
            "answer": visit.answer or None,
            "answered_at": visit.answered_at.isoformat() if visit.answered_at else None}


def _site_needs(needs) -> dict | None:
    if needs is None:
        return None
    numbers = ("land_ha", "floor_m2", "power_mva", "water_m3_day", "max_seaport_km", "max_airport_km", "max_centre_km")
    return {"sector": needs.sector.code if needs.sector else None, "budget_usd": needs.budget_usd,
            "start": needs.start or None, "stated_at": needs.stated_at.isoformat(),
            **{name: None if getattr(needs, name) is None else str(getattr(needs, name)) for name in numbers}}


def as_csv(holdings: Holdings) -> bytes:
    rows = [["record", "reference", "field", "value"]]
    for lead in holdings.leads:
        for field in ("name", "company", "job_title", "country", "email", "phone", "preferred_language", "message"):
            rows.append(["lead", lead.reference, field, getattr(lead, field)])
        for visit in lead.site_visits:
            for name, value in _site_visit(visit).items():
                rows.append(["site_visit", lead.reference, name, ", ".join(value) if isinstance(value, list) else value])
    references = {lead.id: lead.reference for lead in holdings.leads}
    for document in holdings.documents:
        rows.append(["document", references[document.lead_id], "name", document.original_name])
    for contact in holdings.company_contacts:
        for name in ("name", "role", "language", "email", "phone"):
            rows.append(["company_contact", contact.company.name, name, getattr(contact, name)])
    for issue in holdings.issues:
        for name in ("raised_by_name", "raised_by_company", "raised_by_email", "subject", "description"):
            rows.append(["issue", issue.reference, name, getattr(issue, name)])
    for consent in holdings.consents:
        rows.append(["consent", consent.lead_id, "given_at", consent.given_at.isoformat()])
        rows.append(["consent", consent.lead_id, "purposes", consent.purposes])
    return csv_bytes(rows)


def requests(open_only: bool = False) -> list[DataRequest]:
    stmt = select(DataRequest).order_by(DataRequest.completed_at.is_not(None), DataRequest.complete_by)
    if open_only:
        stmt = stmt.where(DataRequest.completed_at.is_(None))
    return list(db.session.scalars(stmt))
