"""What a lead must have before it enters a stage (``portal.leads.rules.stage_facts``), checked on
leads built in memory: the facts already known count, and so do those given with the move."""
from datetime import date

import pytest

from portal.leads.models import Lead, LostReason, Stage
from portal.leads.rules.stage_facts import FACT_LABELS, Fact, MissingFacts, StageFacts, missing_facts
from portal.projects.models import Sector

REGISTERED = Stage(code="registered", required_facts="registered_capital,expected_jobs,certificate_date")
QUALIFIED = Stage(code="qualified", required_facts="sector,estimated_investment")
LOST = Stage(code="lost", required_facts="lost_reason")
CONTACTED = Stage(code="contacted", required_facts="")


def test_a_stage_without_requirements_needs_nothing():
    assert missing_facts(Lead(), CONTACTED) == []


def test_every_missing_fact_is_named_in_the_stages_order():
    assert missing_facts(Lead(), REGISTERED) == [Fact.REGISTERED_CAPITAL, Fact.EXPECTED_JOBS, Fact.CERTIFICATE_DATE]


def test_facts_the_lead_already_has_count():
    lead = Lead(registered_capital_usd=10_000_000, expected_jobs=0, certificate_date=date(2026, 11, 20))
    assert missing_facts(lead, REGISTERED) == []  # zero jobs is a fact, not a gap


def test_facts_given_with_the_move_count_without_touching_the_lead():
    lead = Lead()
    given = StageFacts(registered_capital_usd=10_000_000, expected_jobs=50)
    assert missing_facts(lead, REGISTERED, given) == [Fact.CERTIFICATE_DATE]
    assert lead.registered_capital_usd is None and lead.expected_jobs is None


def test_an_empty_choice_of_sectors_gives_no_sector():
    lead = Lead(estimated_investment_usd=5_000_000)
    assert missing_facts(lead, QUALIFIED, StageFacts(sectors=[])) == [Fact.SECTOR]
    assert missing_facts(lead, QUALIFIED, StageFacts(sectors=[Sector(code="semiconductors")])) == []


def test_a_sector_already_on_the_lead_is_enough():
    lead = Lead(sectors=[Sector(code="logistics")], estimated_investment_usd=5_000_000)
    assert missing_facts(lead, QUALIFIED) == []


@pytest.mark.parametrize(("lead", "given", "missing"), [
    (Lead(), None, [Fact.LOST_REASON]),
    (Lead(), StageFacts(lost_comment="They went to Thailand"), [Fact.LOST_REASON]),
    (Lead(), StageFacts(lost_reason=LostReason(code="other_location")), []),
    (Lead(lost_reason=LostReason(code="no_financing")), None, []),
])
def test_lost_needs_a_reason_from_the_list_not_just_a_comment(lead, given, missing):
    assert missing_facts(lead, LOST, given) == missing


def test_given_lists_only_what_staff_typed():
    assert StageFacts(expected_jobs=0, sectors=[], lost_comment=None).given() == {"expected_jobs": 0}


def test_the_refusal_names_each_missing_fact_for_the_officer():
    refusal = MissingFacts(REGISTERED, [Fact.EXPECTED_JOBS, Fact.CERTIFICATE_DATE])
    assert refusal.labels == ["the expected number of jobs", "the date of the investment registration certificate"]
    assert set(FACT_LABELS) == set(Fact)
