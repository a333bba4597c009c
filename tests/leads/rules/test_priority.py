"""How a new inquiry is scored and ranked (``portal.leads.rules.priority``), on leads that are
built in memory and never saved."""
from decimal import Decimal

import pytest

from portal.leads.models import Lead, LeadSource, Timeline
from portal.leads.models.partners import Referrer
from portal.leads.rules.priority import Priority, priority_of, priority_score
from portal.projects.models import Sector

LONG_MESSAGE = "We plan a 20,000 m² plant for EV battery packs now"  # exactly 50 characters


def lead(**fields) -> Lead:
    """A bare inquiry (nothing that scores) with the given fields."""
    return Lead(source=LeadSource.WEBSITE, **fields)


def test_bare_inquiry_scores_nothing():
    assert priority_score(lead()) == 0


# --- sectors -----------------------------------------------------------------------------------

def test_priority_sector_adds_30():
    assert priority_score(lead(sectors=[Sector(code="semiconductors", priority=True)])) == 30


def test_sector_not_on_priority_list_adds_nothing():
    assert priority_score(lead(sectors=[Sector(code="garments", priority=False)])) == 0


def test_one_priority_sector_among_others_adds_30():
    sectors = [Sector(code="garments", priority=False), Sector(code="semiconductors", priority=True)]
    assert priority_score(lead(sectors=sectors)) == 30


def test_several_priority_sectors_add_30_only_once():
    sectors = [Sector(code="semiconductors", priority=True), Sector(code="batteries", priority=True)]
    assert priority_score(lead(sectors=sectors)) == 30


# --- investment --------------------------------------------------------------------------------

@pytest.mark.parametrize(("usd", "points"), [
    (500_000_000, 30),
    (100_000_000, 30),
    (99_999_999, 20),
    (20_000_000, 20),
    (19_999_999, 10),
    (5_000_000, 10),
    (4_999_999, 0),
    (0, 0),
    (None, 0),
])
def test_estimated_investment_points(usd, points):
    assert priority_score(lead(estimated_investment_usd=usd)) == points


# --- land --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("hectares", "points"), [
    (Decimal("50"), 10),
    (Decimal("10"), 10),
    (Decimal("9.99"), 5),
    (Decimal("0.5"), 5),
    (Decimal("0"), 0),
    (None, 0),
])
def test_land_need_points(hectares, points):
    assert priority_score(lead(land_need_ha=hectares)) == points


# --- completeness ------------------------------------------------------------------------------

@pytest.mark.parametrize("fields", [
    {"company": "Hanbit Electronics Co., Ltd."},
    {"job_title": "Overseas Investment Manager"},
    {"phone": "+82 10 1234 5678"},
    {"timeline": Timeline.WITHIN_1_YEAR},
    {"message": LONG_MESSAGE},
], ids=["company", "job title", "phone", "timeline", "message of 50 characters"])
def test_each_completed_detail_adds_2(fields):
    assert priority_score(lead(**fields)) == 2


@pytest.mark.parametrize("fields", [
    {"company": ""},
    {"job_title": ""},
    {"phone": ""},
    {"timeline": None},
    {"message": LONG_MESSAGE[:49]},
    {"message": ""},
], ids=["no company", "no job title", "no phone", "no timeline", "message of 49 characters", "no message"])
def test_missing_or_short_detail_adds_nothing(fields):
    assert priority_score(lead(**fields)) == 0


def test_all_five_details_add_10():
    complete = lead(company="Hanbit Electronics", job_title="CFO", phone="+82 10 1234 5678",
                    timeline=Timeline.WITHIN_6_MONTHS, message=LONG_MESSAGE)
    assert priority_score(complete) == 10


# --- introduction ------------------------------------------------------------------------------

@pytest.mark.parametrize("fields", [
    {"referrer_id": 7},
    {"referrer": Referrer(code="kbiz-busan", name="Busan chamber")},
    {"source": LeadSource.REFERRAL_LINK},
    {"source": LeadSource.REFERRAL_FORM},
], ids=["referrer id", "referrer object", "referral link", "referral form"])
def test_introduced_inquiry_adds_20(fields):
    assert priority_score(Lead(**{"source": LeadSource.WEBSITE, **fields})) == 20


@pytest.mark.parametrize("source", [LeadSource.WEBSITE, LeadSource.EVENT, LeadSource.MANUAL])
def test_other_sources_add_nothing(source):
    assert priority_score(Lead(source=source)) == 0


def test_referrer_and_referral_form_together_add_20_once():
    introduced = Lead(source=LeadSource.REFERRAL_FORM, referrer_id=7)
    assert priority_score(introduced) == 20


# --- the whole table ---------------------------------------------------------------------------

def test_points_add_up():
    inquiry = lead(sectors=[Sector(code="semiconductors", priority=True)],
                   estimated_investment_usd=20_000_000, land_need_ha=Decimal("3"), company="Hanbit")
    assert priority_score(inquiry) == 30 + 20 + 5 + 2


def test_best_possible_inquiry_scores_100():
    best = Lead(source=LeadSource.REFERRAL_LINK, sectors=[Sector(code="semiconductors", priority=True)],
                estimated_investment_usd=250_000_000, land_need_ha=Decimal("40"), company="Hanbit",
                job_title="CEO", phone="+82 2 555 0100", timeline=Timeline.WITHIN_6_MONTHS,
                message=LONG_MESSAGE)
    assert priority_score(best) == 100


# --- ranking -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("score", "priority"), [
    (100, Priority.HIGH),
    (60, Priority.HIGH),
    (59, Priority.MEDIUM),
    (30, Priority.MEDIUM),
    (29, Priority.LOW),
    (0, Priority.LOW),
])
def test_priority_boundaries(score, priority):
    assert priority_of(score) is priority
