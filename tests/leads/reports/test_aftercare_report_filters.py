"""The report's filters on its aftercare sections, with exact figures on known data: the companies on
their rhythm by the company's sector, country and account officer; the issues by the period raised,
their owner and their company's sector and country; the reinvestment split and the investors'
referrals by every lead filter. A filter in use that a section does not honour is named there."""
import csv
import io
import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from portal.leads.models import CompanyLead, Issue, Referrer
from portal.projects.models import Sector
from tests import factories

NOW = datetime(2026, 12, 7, 3, tzinfo=timezone.utc)
TODAY = date(2026, 12, 7)
YEAR = "from=2026-01-01&to=2026-12-31"


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr("portal.clock.now", lambda: NOW)
    monkeypatch.setattr("portal.clock.today_in_vietnam", lambda: TODAY)


def rows(client, key: str, query: str) -> list[list[str]]:
    response = client.get(f"/staff/reports/{key}.csv?{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))[1:]


def issue(session, reference, category, agency, raised_on, due_on, resolved_on=None, status="open", company=None,
          owner=None):
    session.add(Issue(reference=reference, category=category, agency=agency, subject="x", raised_on=raised_on,
                      due_on=due_on, resolved_on=resolved_on, status=status, company=company, owner=owner))


@pytest.fixture
def aftercare(session, manager):
    """Four companies in two sectors and two countries, their issues (one not linked to a company),
    registered leads new and from a company, and leads an existing investor brought."""
    semis, logistics = factories.sector("semiconductors"), factories.sector("logistics")
    session.flush()
    hanbit = factories.company("Hanbit Electronics", owner=manager, country="KR", sector_id=semis.id,
                               visit_due_on=date(2027, 3, 1))
    busan = factories.company("Busan Logistics", owner=manager, country="KR", sector_id=logistics.id,
                              visit_due_on=date(2026, 11, 30))
    sakura = factories.company("Sakura Seiki", country="JP", sector_id=semis.id, visit_due_on=date(2026, 10, 1))
    osaka = factories.company("Osaka Chips", owner=manager, country="JP", sector_id=semis.id,
                              visit_due_on=date(2027, 1, 5))
    issue(session, "IS-26-FLT001", "customs", "customs", date(2026, 3, 2), date(2026, 3, 16), date(2026, 3, 12),
          "resolved", hanbit, manager)  # 10 days, on time
    issue(session, "IS-26-FLT002", "land", "agriculture_environment", date(2026, 11, 2), date(2026, 11, 16),
          company=busan)  # overdue
    issue(session, "IS-26-FLT003", "customs", "tax", date(2026, 5, 4), date(2026, 5, 18), date(2026, 5, 8),
          "resolved", sakura)  # 4 days, on time
    issue(session, "IS-26-FLT004", "labour", "home_affairs", date(2025, 6, 1), date(2025, 6, 13),
          company=osaka)  # last year, overdue
    issue(session, "IS-26-FLT005", "customs", "customs", date(2026, 6, 1), date(2026, 6, 15))  # not linked

    received = datetime(2026, 5, 4, 3, tzinfo=timezone.utc)
    factories.lead("New KR", stage="registered", registered_capital_usd=30_000_000, expected_jobs=500,
                   received=received, sectors=[semis], owner=manager)
    factories.lead("New JP", stage="registered", country="JP", registered_capital_usd=10_000_000,
                   expected_jobs=120, received=received)
    plant = factories.lead("Hanbit plant 2", stage="registered", source="expansion", sectors=[semis],
                           registered_capital_usd=25_000_000, expected_jobs=300, received=received)
    session.add(CompanyLead(company_id=hanbit.id, lead_id=plant.id, relation="expansion"))
    investor = Referrer(code="hanbit", kind="existing_investor", name="Hanbit Electronics")
    session.add(investor)
    session.flush()
    factories.lead("Supplier KR", stage="registered", source="referral_link", referrer_id=investor.id,
                   registered_capital_usd=8_000_000, expected_jobs=60, received=received, sectors=[semis])
    factories.lead("Supplier JP", source="referral_link", referrer_id=investor.id, country="JP", received=received,
                   sectors=[logistics])
    session.commit()
    return manager


def test_companies_on_their_rhythm_by_the_companys_sector_country_and_officer(staff_client, aftercare):
    officer = aftercare.name
    assert rows(staff_client, "visit-rhythm", YEAR) == [[officer, "3", "2", "1", "66.7"],
                                                        ["Nobody", "1", "0", "1", "0.0"]]
    assert rows(staff_client, "visit-rhythm", "sector=semiconductors") == [[officer, "2", "2", "0", "100.0"],
                                                                           ["Nobody", "1", "0", "1", "0.0"]]
    assert rows(staff_client, "visit-rhythm", "sector=semiconductors&country=JP") == [
        [officer, "1", "1", "0", "100.0"], ["Nobody", "1", "0", "1", "0.0"]]
    assert rows(staff_client, "visit-rhythm", "country=KR") == [[officer, "2", "1", "1", "50.0"]]
    assert rows(staff_client, "visit-rhythm", "owner=none&country=KR") == []
    # Neither the period nor a lead's source changes today's companies
    assert rows(staff_client, "visit-rhythm", "from=2020-01-01&to=2020-12-31&source=event&country=KR") == [
        [officer, "2", "1", "1", "50.0"]]


def test_issues_by_the_period_their_owner_and_their_companys_sector_and_country(staff_client, aftercare):
    assert rows(staff_client, "issues-categories", YEAR) == [["Customs", "3", "2", "100.0", "7.0", "1"],
                                                             ["Land and site", "1", "0", "", "", "1"]]
    # The issue not linked to a company has no sector nor country: left out once one is chosen
    assert rows(staff_client, "issues-categories", f"{YEAR}&sector=semiconductors") == [
        ["Customs", "2", "2", "100.0", "7.0", "0"]]
    assert rows(staff_client, "issues-agencies", f"{YEAR}&sector=semiconductors") == [
        ["Customs department", "1", "1", "100.0", "10", "0"], ["Tax department", "1", "1", "100.0", "4", "0"]]
    assert rows(staff_client, "issues-categories", f"{YEAR}&country=KR") == [
        ["Customs", "1", "1", "100.0", "10", "0"], ["Land and site", "1", "0", "", "", "1"]]
    assert rows(staff_client, "issues-categories", "from=2025-01-01&to=2025-12-31&sector=semiconductors") == [
        ["Labour and work permits", "1", "0", "", "", "1"]]
    assert rows(staff_client, "issues-categories", "from=2025-01-01&to=2025-12-31&country=KR") == []
    assert rows(staff_client, "issues-categories", f"{YEAR}&owner={aftercare.id}&country=KR") == [
        ["Customs", "1", "1", "100.0", "10", "0"]]
    # A lead's source does not apply to issues
    assert rows(staff_client, "issues-categories", f"{YEAR}&country=KR&source=event") == [
        ["Customs", "1", "1", "100.0", "10", "0"], ["Land and site", "1", "0", "", "", "1"]]


def test_reinvestment_and_investors_referrals_by_every_lead_filter(staff_client, aftercare):
    assert rows(staff_client, "reinvestment", YEAR) == [
        ["Website", "2", "40000000", "620", "0", "0", "0"],
        ["Expansion of a company already here", "0", "0", "0", "1", "25000000", "300"],
        ["Referral link", "1", "8000000", "60", "0", "0", "0"],
    ]
    assert rows(staff_client, "reinvestment", f"{YEAR}&sector=semiconductors&country=KR") == [
        ["Website", "1", "30000000", "500", "0", "0", "0"],
        ["Expansion of a company already here", "0", "0", "0", "1", "25000000", "300"],
        ["Referral link", "1", "8000000", "60", "0", "0", "0"],
    ]
    assert rows(staff_client, "reinvestment", f"{YEAR}&country=JP") == [["Website", "1", "10000000", "120", "0", "0",
                                                                          "0"]]
    assert rows(staff_client, "reinvestment", f"{YEAR}&source=expansion") == [
        ["Expansion of a company already here", "0", "0", "0", "1", "25000000", "300"]]
    assert rows(staff_client, "reinvestment", f"{YEAR}&owner={aftercare.id}") == [
        ["Website", "1", "30000000", "500", "0", "0", "0"]]
    assert rows(staff_client, "reinvestment", "from=2025-01-01&to=2025-12-31") == []

    assert rows(staff_client, "investor-referrals", YEAR) == [["Hanbit Electronics", "2", "1", "8000000"]]
    assert rows(staff_client, "investor-referrals", f"{YEAR}&country=JP") == [["Hanbit Electronics", "1", "0", "0"]]
    assert rows(staff_client, "investor-referrals", f"{YEAR}&sector=logistics") == [
        ["Hanbit Electronics", "1", "0", "0"]]
    assert rows(staff_client, "investor-referrals", f"{YEAR}&source=website") == []
    assert rows(staff_client, "investor-referrals", f"{YEAR}&owner=none&sector=semiconductors") == [
        ["Hanbit Electronics", "1", "1", "8000000"]]


def section_text(page: str, key: str) -> str:
    return re.search(rf'<section class="panel" id="{key}".*?</section>', page, re.S).group(0)


def test_the_page_names_the_filters_a_section_does_not_apply(staff_client, aftercare):
    page = staff_client.get(f"/staff/reports?{YEAR}&source=website&sector=semiconductors").text
    assert "Not filtered by the period and the source, which do not apply here." in section_text(page, "visit-rhythm")
    for key in ("issues-categories", "issues-agencies"):
        assert "Not filtered by the source, which does not apply here." in section_text(page, key)
    for key in ("reinvestment", "investor-referrals", "sources"):
        assert "Not filtered by" not in section_text(page, key)

    emptied = staff_client.get("/staff/reports?from=&to=&country=KR").text  # no period, no source
    assert "Not filtered by" not in emptied


def test_the_filtered_report_runs_a_fixed_number_of_statements(session, staff_client, aftercare, count_queries):
    query = f"/staff/reports?{YEAR}&sector=semiconductors&country=KR&owner={aftercare.id}"

    def measure() -> int:
        with count_queries() as counter:
            assert staff_client.get(query).status_code == 200
        return counter.count

    before = measure()
    semis = session.scalar(select(Sector).where(Sector.code == "semiconductors"))
    for number in range(30):
        company = factories.company(f"Firm {number}", owner=aftercare, country="KR", sector_id=semis.id,
                                    visit_due_on=date(2027, 1, 1 + number % 28))
        issue(session, f"IS-26-MORE{number:02d}", "taxes", "tax", date(2026, 2, 1 + number % 28),
              date(2026, 2, 27), company=company, owner=aftercare)
    session.commit()
    assert measure() == before
    assert rows(staff_client, "visit-rhythm", "sector=semiconductors&country=KR")[0][1:3] == ["31", "31"]
