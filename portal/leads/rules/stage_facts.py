"""What a lead must have before it enters a stage, as the UK's investment CRM asks for more
facts at each step. Each stage names its required facts (``Stage.required_facts``)."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from portal.leads.models import Lead, Stage


class Fact(enum.StrEnum):
    SECTOR = "sector"
    ESTIMATED_INVESTMENT = "estimated_investment"
    VISIT_DATE = "visit_date"
    REGISTERED_CAPITAL = "registered_capital"
    EXPECTED_JOBS = "expected_jobs"
    CERTIFICATE_DATE = "certificate_date"
    LOST_REASON = "lost_reason"


FACT_LABELS = {
    Fact.SECTOR: _l("a sector of interest"),
    Fact.ESTIMATED_INVESTMENT: _l("the estimated investment"),
    Fact.VISIT_DATE: _l("the date of the site visit"),
    Fact.REGISTERED_CAPITAL: _l("the registered capital"),
    Fact.EXPECTED_JOBS: _l("the expected number of jobs"),
    Fact.CERTIFICATE_DATE: _l("the date of the investment registration certificate"),
    Fact.LOST_REASON: _l("the reason the lead was lost"),
}

_HAS_FACT = {
    Fact.SECTOR: lambda lead: bool(lead.sectors),
    Fact.ESTIMATED_INVESTMENT: lambda lead: lead.estimated_investment_usd is not None,
    Fact.VISIT_DATE: lambda lead: lead.visit_from is not None,
    Fact.REGISTERED_CAPITAL: lambda lead: lead.registered_capital_usd is not None,
    Fact.EXPECTED_JOBS: lambda lead: lead.expected_jobs is not None,
    Fact.CERTIFICATE_DATE: lambda lead: lead.certificate_date is not None,
    Fact.LOST_REASON: lambda lead: lead.lost_reason_id is not None or lead.lost_reason is not None,
}


def missing_facts(lead: Lead, stage: Stage) -> list[Fact]:
    return [Fact(code) for code in stage.facts_required if not _HAS_FACT[Fact(code)](lead)]


class MissingFacts(Exception):
    def __init__(self, stage: Stage, facts: list[Fact]):
        super().__init__(f"stage {stage.code} needs {', '.join(facts)}")
        self.stage, self.facts = stage, facts

    @property
    def labels(self) -> list[str]:
        return [str(FACT_LABELS[fact]) for fact in self.facts]
