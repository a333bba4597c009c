"""How urgent a lead is, the way the best promotion agencies screen inquiries (GIPB): a sector
the region gives priority to, the size of the investment, the land it needs, how complete the
request is, and whether someone we trust introduced it.

Score (0–100), documented in the README and tested:
- any sector of interest on the region's priority list: +30
- estimated investment: USD 100 million or more +30, 20 million +20, 5 million +10
- land needed: 10 ha or more +10, any +5
- completeness: +2 each for company, job title, phone, an investment timeline, a message of 50+ characters
- introduced by a referrer or through the referral form: +20
High from 60, medium from 30, low below.
"""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from portal.leads.models import Lead, LeadSource


class Priority(enum.StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return PRIORITY_LABELS[self]


PRIORITY_LABELS = {Priority.HIGH: _l("High priority"), Priority.MEDIUM: _l("Medium priority"),
                   Priority.LOW: _l("Low priority")}


def priority_score(lead: Lead) -> int:
    score = 0
    if any(sector.priority for sector in lead.sectors):
        score += 30
    capital = lead.estimated_investment_usd or 0
    score += 30 if capital >= 100_000_000 else 20 if capital >= 20_000_000 else 10 if capital >= 5_000_000 else 0
    land = lead.land_need_ha or 0
    score += 10 if land >= 10 else 5 if land > 0 else 0
    score += 2 * sum(bool(value) for value in (lead.company, lead.job_title, lead.phone, lead.timeline,
                                               len(lead.message or "") >= 50))
    if lead.referrer_id or lead.referrer or lead.source in (LeadSource.REFERRAL_LINK, LeadSource.REFERRAL_FORM):
        score += 20
    return min(score, 100)


def priority_of(score: int) -> Priority:
    return Priority.HIGH if score >= 60 else Priority.MEDIUM if score >= 30 else Priority.LOW
