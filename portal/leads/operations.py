"""The only code that creates or changes a lead. A submission is committed, with its consent
and its e-mails in the outbox, before anything else is attempted."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.leads import queries
from portal.leads.models import (
    Activity,
    ActivityKind,
    Consent,
    ConsentPurpose,
    ConsentSubject,
    Lead,
    LeadKind,
    LeadSource,
    Referrer,
)
from portal.leads.stages import NEW
from portal.outbox import queue_mail
from portal.privacy import NOTICE_VERSION
from portal.projects.models import IndustrialPark, InvestmentProject, Sector

_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass
class Introducer:
    """Who introduced the prospect through the referral form."""

    name: str
    organisation: str
    email: str
    relationship: str
    language: str


@dataclass
class Submission:
    """What a public form captured, already validated."""

    kind: LeadKind
    language: str
    name: str
    company: str
    email: str
    country: str
    message: str
    job_title: str = ""
    phone: str = ""
    preferred_language: str = ""
    sectors: list[Sector] = field(default_factory=list)
    projects: list[InvestmentProject] = field(default_factory=list)
    parks: list[IndustrialPark] = field(default_factory=list)
    estimated_investment_usd: int | None = None
    land_need_ha: Decimal | None = None
    timeline: str | None = None
    visit_from: date | None = None
    visit_to: date | None = None
    visitors: int | None = None
    guide_language: str | None = None
    introducer: Introducer | None = None
    news: bool = False
    ip_address: str = ""
    referrer: Referrer | None = None
    landing_page: str = ""


@dataclass
class Receipt:
    lead: Lead
    #: True when the submission joined the investor's open lead instead of starting one.
    joined_existing: bool


def new_reference() -> str:
    """A reference an investor can read out on the phone: no 0/O, 1/I/L."""
    year = clock.now().strftime("%y")
    while True:
        code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        reference = f"IP-{year}-{code}"
        if db.session.scalar(select(Lead.id).where(Lead.reference == reference)) is None:
            return reference


def _source(submission: Submission) -> LeadSource:
    if submission.kind == LeadKind.REFERRAL:
        return LeadSource.REFERRAL_FORM
    return LeadSource.REFERRAL_LINK if submission.referrer else LeadSource.WEBSITE


def _new_lead(submission: Submission) -> Lead:
    lead = Lead(
        reference=new_reference(),
        kind=submission.kind,
        stage=queries.stage_by_code(NEW),
        source=_source(submission),
        referrer=submission.referrer,
        landing_page=submission.landing_page[:500],
        email_normalized=queries.normalize_email(submission.email),
    )
    for name in ("name", "company", "job_title", "country", "email", "phone", "message", "estimated_investment_usd",
                 "land_need_ha", "timeline", "visit_from", "visit_to", "visitors", "guide_language"):
        setattr(lead, name, getattr(submission, name))
    lead.preferred_language = submission.preferred_language or submission.language
    db.session.add(lead)
    return lead


def _join(lead: Lead, submission: Submission) -> None:
    """A later message from the same investor: on the timeline, interests added, nothing overwritten."""
    lead.activities.append(Activity(kind=ActivityKind.MESSAGE, submission_kind=submission.kind,
                                    body=submission.message, created_at=clock.now()))
    if submission.kind == LeadKind.SITE_VISIT:
        lead.visit_from, lead.visit_to = submission.visit_from, submission.visit_to
        lead.visitors, lead.guide_language = submission.visitors, submission.guide_language
    if lead.referrer is None and submission.referrer is not None:
        lead.referrer = submission.referrer


def _add_interests(lead: Lead, submission: Submission) -> None:
    for current, new in ((lead.sectors, submission.sectors), (lead.projects, submission.projects),
                         (lead.parks, submission.parks)):
        current.extend(item for item in new if item not in current)


def _record_consent(lead: Lead, submission: Submission) -> None:
    given_at = clock.now()
    extra = [ConsentPurpose.NEWS] if submission.news else []
    if submission.introducer:
        _set_introducer(lead, submission.introducer)
        purposes = [ConsentPurpose.ANSWER_REQUEST, ConsentPurpose.PROSPECT_AGREED, *extra]
        subject, email, language = ConsentSubject.INTRODUCER, submission.introducer.email, submission.introducer.language
    else:
        purposes = [ConsentPurpose.ANSWER_REQUEST, *extra]
        subject, email, language = ConsentSubject.LEAD, submission.email, submission.language
    lead.consents.append(Consent(subject=subject, email=email, given_at=given_at, purposes=",".join(purposes),
                                 notice_version=NOTICE_VERSION, language=language,
                                 ip_address=submission.ip_address[:45]))


def _set_introducer(lead: Lead, introducer: Introducer) -> None:
    if not lead.introducer_email:
        lead.introducer_name, lead.introducer_organisation = introducer.name, introducer.organisation
        lead.introducer_email, lead.introducer_relationship = introducer.email, introducer.relationship
        lead.introducer_language = introducer.language


def _queue_mails(lead: Lead, submission: Submission, joined: bool) -> None:
    context = {"lead": lead, "submission": submission, "joined": joined}
    if submission.introducer:
        queue_mail("referral_thanks", submission.introducer.email, submission.introducer.language, lead.id, **context)
    else:
        queue_mail("acknowledgement", submission.email, lead.preferred_language, lead.id, **context)
    centre = current_app.config["PORTAL_LEADS_EMAIL"]
    if centre:
        queue_mail("new_lead", centre, current_app.config["PORTAL_LEADS_LANGUAGE"], lead.id, **context)


def receive_submission(submission: Submission) -> Receipt:
    """Store what an investor or introducer sent, with consent and e-mails, in one transaction."""
    lead = queries.open_lead_for_email(submission.email)
    joined = lead is not None
    if joined:
        _join(lead, submission)
    else:
        lead = _new_lead(submission)
    lead.last_message_at = clock.now()
    _add_interests(lead, submission)
    _record_consent(lead, submission)
    db.session.flush()
    _queue_mails(lead, submission, joined)
    db.session.commit()
    current_app.logger.info("lead %s: %s received (%s)", lead.reference, submission.kind,
                            "joined" if joined else "new")
    return Receipt(lead, joined)
