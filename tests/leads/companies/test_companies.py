"""Investor companies: made from a registered lead, by hand, their visits and contact rhythm, and
the early warnings on the list."""
from datetime import date

import pytest
from sqlalchemy import select

from portal.leads.models import Company, CompanyLead, Holiday, Lead, LeadSource, Referrer
from tests import factories
from tests.conftest import logged_in_client
from tests.staff import post

TODAY = date(2026, 12, 7)  # a Monday


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("portal.clock.today_in_vietnam", lambda: TODAY)


def test_a_registered_lead_becomes_a_company_with_its_facts_carried_over(session, staff_client):
    semis = factories.sector("semiconductors", en="Semiconductors")
    park = factories.park("vsip-3", texts={"en": "VSIP III"})
    lead = factories.lead("Hanbit Electronics Co., Ltd.", stage="registered", country="KR", sectors=[semis],
                          name="Kim Min-jun", job_title="Plant director", phone="+82 10 1234 5678",
                          preferred_language="ko", registered_capital_usd=32_000_000, expected_jobs=850,
                          certificate_date=date(2026, 11, 20))
    lead.parks = [park]
    session.commit()

    page = staff_client.get(f"/staff/leads/{lead.reference}")
    assert "Create the company record" in page.text
    response = post(staff_client, f"/staff/leads/{lead.reference}/company")
    assert response.status_code == 302

    company = session.scalars(select(Company)).one()
    assert (company.name, company.name_latin, company.country, company.sector_id) == \
        ("Hanbit Electronics Co., Ltd.", "Hanbit Electronics Co., Ltd.", "KR", semis.id)
    [project] = company.projects
    assert (project.park_id, project.registered_capital_usd, project.jobs, project.certificate_date, project.lead_id) \
        == (park.id, 32_000_000, 850, date(2026, 11, 20), lead.id)
    [person] = company.contacts
    assert (person.name, person.role, person.language, person.email, person.phone) == \
        ("Kim Min-jun", "Plant director", "ko", lead.email, "+82 10 1234 5678")
    shown = staff_client.get(response.headers["Location"]).text
    assert "VSIP III" in shown and "Kim Min-jun" in shown and lead.reference in shown
    # The lead links to its company, and a second click makes no second company
    assert "Hanbit Electronics" in staff_client.get(f"/staff/leads/{lead.reference}").text
    post(staff_client, f"/staff/leads/{lead.reference}/company")
    assert session.scalar(select(Company.id).where(Company.id != company.id)) is None
    assert len(company.projects) == 1


def test_a_lead_not_yet_registered_makes_no_company(session, staff_client):
    lead = factories.lead("Sakura Seiki", stage="negotiation")
    session.commit()
    assert "Create the company record" not in staff_client.get(f"/staff/leads/{lead.reference}").text
    response = post(staff_client, f"/staff/leads/{lead.reference}/company")
    assert response.status_code == 302
    assert session.scalars(select(Company)).all() == []


def test_a_company_entered_by_hand_keeps_what_was_typed_when_a_field_is_wrong(session, staff_client):
    response = post(staff_client, "/staff/companies/new", name="村田製作所", name_latin="Murata Manufacturing",
                    country="", visit_every_months="99")
    assert response.status_code == 400
    assert "Murata Manufacturing" in response.text and "村田製作所" in response.text
    assert session.scalars(select(Company)).all() == []
    response = post(staff_client, "/staff/companies/new", name="村田製作所", name_latin="Murata Manufacturing",
                    country="JP", visit_every_months="")
    assert response.status_code == 302
    company = session.scalars(select(Company)).one()
    assert company.name_latin == "Murata Manufacturing" and company.visit_due_on is not None


def test_a_visit_moves_the_next_due_day_by_the_rhythm_of_the_capital_to_a_working_day(session, staff_client,
                                                                                       manager):
    company = factories.company("Nidec Vietnam", country="JP",
                                projects=[{"registered_capital_usd": 60_000_000}])
    session.add(Holiday(day=date(2027, 6, 1), name="A day off"))
    session.commit()
    response = post(staff_client, f"/staff/companies/{company.id}/visits", visited_on="2026-12-01", kind="visit",
                    attendees="Trần Văn Minh", summary="Power supply in the dry season", **{
                        "tasks-0-title": "Ask EVN", "tasks-0-due_date": "2026-12-15",
                        "tasks-0-assignee": str(manager.id)})
    assert response.status_code == 302
    session.refresh(company)
    # US$60M: every 6 months; 1 June 2027 is a holiday, so Wednesday 2 June
    assert (company.last_contact_on, company.visit_due_on) == (date(2026, 12, 1), date(2027, 6, 2))
    page = staff_client.get(f"/staff/companies/{company.id}").text
    assert "Power supply in the dry season" in page and "Ask EVN" in page
    assert "Contact logged" in page  # the company's changes, named in the reader's language


def test_a_visit_in_the_future_or_without_a_summary_is_refused_beside_the_field(session, staff_client):
    company = factories.company("Pou Chen")
    session.commit()
    response = post(staff_client, f"/staff/companies/{company.id}/visits", visited_on="2026-12-08", kind="visit",
                    summary="", attendees="Someone typed this")
    assert response.status_code == 400
    assert "the date cannot be in the future" in response.text and "Someone typed this" in response.text
    session.refresh(company)
    assert company.visits == [] and company.last_contact_on is None


def test_the_list_shows_and_filters_each_early_warning(session, staff_client):
    factories.company("Overdue Co", visit_due_on=date(2026, 12, 4))
    factories.company("Due Today Co", visit_due_on=TODAY)
    factories.company("Incentive Co", visit_due_on=date(2027, 5, 1),
                      projects=[{"incentive_ends_on": date(2027, 12, 7)}])
    factories.company("Lease Co", visit_due_on=date(2027, 5, 1), projects=[{"land_lease_ends_on": date(2027, 3, 1)}])
    factories.company("Far Co", visit_due_on=date(2027, 5, 1),
                      projects=[{"incentive_ends_on": date(2027, 12, 8), "land_lease_ends_on": date(2020, 1, 1)}])
    session.commit()

    def names(query: str) -> list[str]:
        text = staff_client.get(f"/staff/companies?{query}").text
        return [name for name in ("Overdue Co", "Due Today Co", "Incentive Co", "Lease Co", "Far Co") if name in text]

    assert names("warning=no_recent_contact") == ["Overdue Co"]
    assert names("warning=incentive_ending") == ["Incentive Co"]
    assert names("warning=lease_ending") == ["Lease Co"]
    assert names("warning=any") == ["Overdue Co", "Incentive Co", "Lease Co"]
    page = staff_client.get("/staff/companies?sort=ending").text
    assert page.index("Lease Co") < page.index("Incentive Co") < page.index("Far Co")
    assert "No contact for longer than its rhythm" in staff_client.get("/staff/companies").text


def test_the_due_list_shows_what_is_due_within_a_month_overdue_first(session, staff_client):
    factories.company("Later Co", visit_due_on=date(2027, 1, 7))
    factories.company("Soon Co", visit_due_on=date(2026, 12, 20))
    factories.company("Overdue Co", visit_due_on=date(2026, 10, 1))
    session.commit()
    page = staff_client.get("/staff/companies/due").text
    assert "Later Co" not in page
    assert page.index("Overdue Co") < page.index("Soon Co")


def test_an_officer_sees_their_companies_and_those_without_an_officer_only(app, session):
    me, colleague = factories.user(), factories.user()
    mine = factories.company("Mine Co", owner=me)
    free = factories.company("Free Co")
    theirs = factories.company("Theirs Co", owner=colleague)
    session.commit()
    client = logged_in_client(app, me)
    listed = client.get("/staff/companies").text
    assert "Mine Co" in listed and "Free Co" in listed and "Theirs Co" not in listed
    assert client.get(f"/staff/companies/{theirs.id}").status_code == 403
    assert post(client, f"/staff/companies/{theirs.id}/visits", visited_on="2026-12-01", kind="call",
                summary="x").status_code == 403
    assert client.get(f"/staff/companies/{free.id}").status_code == 200
    # An officer takes a company or leaves it free; giving it to a colleague is a manager's choice
    response = post(client, f"/staff/companies/{mine.id}/edit", name="Mine Co", country="KR", owner=str(colleague.id))
    assert response.status_code == 400
    session.refresh(mine)
    assert mine.owner_id == me.id


def test_an_expansion_lead_is_linked_to_the_company_and_counted_as_reinvestment(session, staff_client):
    company = factories.company("Hyosung Vietnam", country="KR")
    session.commit()
    post(staff_client, f"/staff/companies/{company.id}/contacts/new", name="Park Ji-hoon", role="CFO", language="ko",
         email="JH.Park@hyosung.example", phone="")
    response = post(staff_client, f"/staff/companies/{company.id}/expansion")
    assert response.status_code == 302
    lead = session.scalars(select(Lead)).one()
    assert (lead.source, lead.company, lead.name, lead.email, lead.preferred_language) == \
        (LeadSource.EXPANSION, "Hyosung Vietnam", "Park Ji-hoon", "jh.park@hyosung.example", "ko")
    link = session.scalars(select(CompanyLead)).one()
    assert (link.company_id, link.lead_id, link.relation) == (company.id, lead.id, "expansion")
    assert "Expansion of a company already here" in staff_client.get(f"/staff/leads/{lead.reference}").text


def test_a_company_becomes_a_referrer_and_its_page_lists_the_leads_it_brought(session, staff_client):
    company = factories.company("TTI Vietnam", name_latin="TTI Vietnam", country="TW")
    session.commit()
    post(staff_client, f"/staff/companies/{company.id}/referrer")
    referrer = session.scalars(select(Referrer)).one()
    assert (referrer.code, referrer.kind) == ("tti-vietnam", "existing_investor")
    brought = factories.lead("Supplier of TTI", referrer_id=referrer.id, source="referral_link")
    session.commit()
    page = staff_client.get(f"/staff/companies/{company.id}").text
    assert "/r/tti-vietnam" in page and brought.reference in page
