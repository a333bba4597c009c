"""The aftercare sections of the reports, with exact figures on known data: capital and jobs split
into new investors and reinvestment, companies on their contact rhythm, investors' issues by
category and agency, referrals brought by companies already here."""
import csv
import io
from datetime import date, datetime, timezone

import pytest

from portal.leads.models import CompanyLead, Issue, Referrer
from tests import factories

NOW = datetime(2026, 12, 7, 3, tzinfo=timezone.utc)
TODAY = date(2026, 12, 7)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr("portal.clock.now", lambda: NOW)
    monkeypatch.setattr("portal.clock.today_in_vietnam", lambda: TODAY)


def section(client, key: str) -> list[list[str]]:
    response = client.get(f"/staff/reports/{key}.csv?received_from=2026-01-01&received_to=2026-12-31")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def issue(session, reference, category, agency, raised_on, due_on, resolved_on=None, status="open", company=None):
    session.add(Issue(reference=reference, category=category, agency=agency, subject="x", raised_on=raised_on,
                      due_on=due_on, resolved_on=resolved_on, status=status, company=company))


def test_the_kept_split_shows_the_next_change(session, staff_client):
    """The split is kept with the passes over the leads: a lead's jobs, or its company link, show on the next view."""
    lead = factories.lead("New A", stage="registered", registered_capital_usd=30_000_000, expected_jobs=500,
                          received=datetime(2026, 5, 4, 3, tzinfo=timezone.utc))
    session.commit()
    assert section(staff_client, "reinvestment")[1:] == [["Website", "1", "30000000", "500", "0", "0", "0"]]
    lead.expected_jobs = 650
    session.commit()
    assert section(staff_client, "reinvestment")[1:] == [["Website", "1", "30000000", "650", "0", "0", "0"]]
    session.add(CompanyLead(company_id=factories.company("Hanbit Electronics").id, lead_id=lead.id,
                            relation="expansion"))
    session.commit()
    assert section(staff_client, "reinvestment")[1:] == [["Website", "0", "0", "0", "1", "30000000", "650"]]


def test_registered_capital_and_jobs_split_into_new_investors_and_reinvestment(session, staff_client):
    received = datetime(2026, 5, 4, 3, tzinfo=timezone.utc)
    company = factories.company("Hanbit Electronics")
    factories.lead("New A", stage="registered", registered_capital_usd=30_000_000, expected_jobs=500,
                   received=received)
    factories.lead("New B", stage="registered", registered_capital_usd=10_000_000, expected_jobs=120,
                   received=received)
    factories.lead("Still talking", stage="negotiation", registered_capital_usd=99_000_000, received=received)
    expansion = factories.lead("Hanbit plant 2", stage="registered", source="expansion",
                               registered_capital_usd=25_000_000, expected_jobs=300, received=received)
    referred_expansion = factories.lead("Hanbit plant 3", stage="registered", source="referral_form",
                                        registered_capital_usd=5_000_000, expected_jobs=40, received=received)
    factories.lead("Last year", stage="registered", registered_capital_usd=70_000_000,
                   received=datetime(2025, 5, 4, tzinfo=timezone.utc))
    for lead in (expansion, referred_expansion):
        session.add(CompanyLead(company_id=company.id, lead_id=lead.id, relation="expansion"))
    session.commit()

    header, *rows = section(staff_client, "reinvestment")
    assert header[:7] == ["Source", "New investors registered", "New investors' capital (USD)",
                          "New investors' jobs", "Reinvestments registered", "Reinvestment capital (USD)",
                          "Reinvestment jobs"]
    assert rows == [
        ["Website", "2", "40000000", "620", "0", "0", "0"],
        ["Expansion of a company already here", "0", "0", "0", "1", "25000000", "300"],
        ["Referral form", "0", "0", "0", "1", "5000000", "40"],
    ]


def test_issues_raised_resolved_on_time_and_median_days_by_category_and_agency(session, staff_client):
    issue(session, "IS-26-AAAAA1", "customs", "customs", date(2026, 3, 2), date(2026, 3, 16), date(2026, 3, 12),
          "resolved")  # 10 days, on time
    issue(session, "IS-26-AAAAA2", "customs", "customs", date(2026, 4, 1), date(2026, 4, 15), date(2026, 4, 21),
          "closed")  # 20 days, late
    issue(session, "IS-26-AAAAA3", "customs", "tax", date(2026, 5, 4), date(2026, 5, 18), date(2026, 5, 8),
          "resolved")  # 4 days, on time
    issue(session, "IS-26-AAAAA4", "land", "agriculture_environment", date(2026, 11, 2), date(2026, 11, 16))  # overdue
    issue(session, "IS-26-AAAAA5", "land", "agriculture_environment", date(2026, 12, 1), date(2026, 12, 15))  # not yet
    issue(session, "IS-26-AAAAA6", "taxes", "tax", date(2025, 6, 1), date(2025, 6, 15))  # before the period
    session.commit()

    header, *rows = section(staff_client, "issues-categories")
    assert header == ["Category", "Raised", "Resolved", "Resolved on time (%)", "Median days to resolve",
                      "Open and overdue"]
    assert rows == [["Customs", "3", "3", "66.7", "10", "0"],
                    ["Land and site", "2", "0", "", "", "1"]]
    _, *by_agency = section(staff_client, "issues-agencies")
    assert by_agency == [["Department of Agriculture and Environment (land, environment)", "2", "0", "", "", "1"],
                         ["Customs department", "2", "2", "50.0", "15.0", "0"],
                         ["Tax department", "1", "1", "100.0", "4", "0"]]
    page = staff_client.get("/staff/reports?received_from=2026-01-01&received_to=2026-12-31").text
    assert "Investors&#39; issues by category" in page or "Investors' issues by category" in page


def test_companies_on_their_rhythm_and_referrals_by_existing_investors(session, staff_client, manager):
    factories.company("On time", owner=manager, visit_due_on=date(2027, 3, 1))
    factories.company("Late", owner=manager, visit_due_on=date(2026, 11, 30))
    factories.company("Free and late", visit_due_on=date(2026, 10, 1))
    investor = Referrer(code="hanbit", kind="existing_investor", name="Hanbit Electronics")
    city = Referrer(code="daejeon", kind="sister_city", name="Daejeon")
    session.add_all([investor, city])
    session.flush()
    received = datetime(2026, 6, 1, 3, tzinfo=timezone.utc)
    factories.lead("Supplier 1", referrer_id=investor.id, received=received)
    factories.lead("Supplier 2", referrer_id=investor.id, stage="registered", registered_capital_usd=8_000_000,
                   received=received)
    factories.lead("Via the city", referrer_id=city.id, received=received)
    session.commit()

    _, *rhythm = section(staff_client, "visit-rhythm")
    assert rhythm == [[manager.name, "2", "1", "1", "50.0"], ["Nobody", "1", "0", "1", "0.0"]]
    _, *referrals = section(staff_client, "investor-referrals")
    assert referrals == [["Hanbit Electronics", "2", "1", "8000000"]]
