"""What a lead must have before it enters a stage, as the UK's investment CRM asks for more
facts at each step. Each stage names its required facts (``Stage.required_facts``); this module
is the one place that knows what each fact is, where a lead keeps it and how staff give it."""
from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from portal.leads.models import Lead, LostReason, Stage
    from portal.projects.models import Sector


class Fact(enum.StrEnum):
    SECTOR = "sector"
    ESTIMATED_INVESTMENT = "estimated_investment"
    VISIT_DATE = "visit_date"
    REGISTERED_CAPITAL = "registered_capital"
    EXPECTED_JOBS = "expected_jobs"
    CERTIFICATE_DATE = "certificate_date"
    LOST_REASON = "lost_reason"


@dataclass
class StageFacts:
    """Facts given with a stage change, named as the lead keeps them; ``None`` gives nothing."""

    sectors: list[Sector] | None = None
    estimated_investment_usd: int | None = None
    visit_from: date | None = None
    registered_capital_usd: int | None = None
    expected_jobs: int | None = None
    certificate_date: date | None = None
    lost_reason: LostReason | None = None
    lost_comment: str | None = None

    def given(self) -> dict:
        """The facts actually given (an empty list of sectors gives none)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in (None, [])}


#: Each fact: how staff name it ("Before moving to Registered, give ...") and the lead's attribute.
FACTS = {
    Fact.SECTOR: (_l("a sector of interest"), "sectors"),
    Fact.ESTIMATED_INVESTMENT: (_l("the estimated investment"), "estimated_investment_usd"),
    Fact.VISIT_DATE: (_l("the date of the site visit"), "visit_from"),
    Fact.REGISTERED_CAPITAL: (_l("the registered capital"), "registered_capital_usd"),
    Fact.EXPECTED_JOBS: (_l("the expected number of jobs"), "expected_jobs"),
    Fact.CERTIFICATE_DATE: (_l("the date of the investment registration certificate"), "certificate_date"),
    Fact.LOST_REASON: (_l("the reason the lead was lost"), "lost_reason"),
}
FACT_LABELS = {fact: label for fact, (label, _attribute) in FACTS.items()}


def missing_facts(lead: Lead, stage: Stage, facts: StageFacts | None = None) -> list[Fact]:
    """The facts ``stage`` requires that neither the lead nor the ``facts`` given with the move supply."""
    given = facts.given() if facts else {}
    missing = []
    for code in stage.facts_required:
        attribute = FACTS[Fact(code)][1]
        value = given.get(attribute, getattr(lead, attribute))
        if value is None or value == []:
            missing.append(Fact(code))
    return missing


class MissingFacts(Exception):
    def __init__(self, stage: Stage, facts: list[Fact]):
        super().__init__(f"stage {stage.code} needs {', '.join(facts)}")
        self.stage, self.facts = stage, facts

    @property
    def labels(self) -> list[str]:
        return [str(FACT_LABELS[fact]) for fact in self.facts]
