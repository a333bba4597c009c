"""What the investor's private page reads: only what an investor should see of their lead."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal import clock
from portal.clock import as_utc
from portal.extensions import db
from portal.leads.follow.links import given_name, looks_like_token, token_hash
from portal.leads.models import Activity, ActivityKind, InquiryLink, InvestorDocument, Lead, LeadStatus
from portal.projects.models import IndustrialPark, InvestmentProject


@dataclass(frozen=True)
class InvestorMessage:
    sent_at: datetime
    body: str
    documents: list[str]


@dataclass(frozen=True)
class InquiryView:
    """The lead as its investor sees it: no stage, no status, no notes, no priority, no owner's e-mail."""

    reference: str
    received_at: datetime
    officer_name: str | None
    officer_languages: list[str]
    first_answer_at: datetime | None
    visit_from: date | None
    visit_to: date | None
    projects: list[InvestmentProject]
    parks: list[IndustrialPark]
    messages: list[InvestorMessage]


def link_for_token(token: str) -> tuple[InquiryLink | None, bool]:
    """The link this token opens and whether it expired; ``(None, False)`` for no link at all."""
    if not looks_like_token(token):
        return None, False
    link = db.session.scalar(select(InquiryLink).where(InquiryLink.token_hash == token_hash(token)))
    if link is None:
        return None, False
    return link, as_utc(link.expires_at) <= clock.now()


def lead_of(link: InquiryLink) -> Lead:
    """The link's lead, or the lead it was merged into, with what the page shows."""
    lead_id = link.lead_id
    for _ in range(5):
        lead = db.session.scalar(select(Lead).where(Lead.id == lead_id).options(
            joinedload(Lead.owner),
            selectinload(Lead.projects).selectinload(InvestmentProject.texts),
            selectinload(Lead.parks).selectinload(IndustrialPark.texts)))
        if lead.status != LeadStatus.MERGED or lead.merged_into_id is None:
            return lead
        lead_id = lead.merged_into_id
    return lead


def inquiry_view(lead: Lead) -> InquiryView:
    messages = list(db.session.scalars(
        select(Activity).where(Activity.lead_id == lead.id, Activity.kind == ActivityKind.MESSAGE,
                               Activity.user_id.is_(None)).order_by(Activity.created_at, Activity.id)))
    documents: dict[int, list[str]] = {}
    for activity_id, name in db.session.execute(
            select(InvestorDocument.activity_id, InvestorDocument.original_name)
            .where(InvestorDocument.lead_id == lead.id).order_by(InvestorDocument.id)):
        documents.setdefault(activity_id, []).append(name)
    sent = [InvestorMessage(lead.created_at, lead.message, [])] if lead.message else []
    sent += [InvestorMessage(m.created_at, m.body, documents.get(m.id, [])) for m in messages]
    owner = lead.owner
    return InquiryView(
        reference=lead.reference, received_at=lead.created_at,
        officer_name=given_name(owner.name) if owner else None,
        officer_languages=[code for code in (owner.languages or "").split(",") if code] if owner else [],
        first_answer_at=lead.first_responded_at, visit_from=lead.visit_from, visit_to=lead.visit_to,
        projects=list(lead.projects), parks=list(lead.parks), messages=sent,
    )
