"""Possible duplicates on a lead's page, and merging two leads without losing anything."""
from decimal import Decimal

from sqlalchemy import select

from portal.audit import AuditEntry
from portal.leads.follow.operations import Document, add_from_investor, issue_link
from portal.leads.models import Activity, Consent, InvestorDocument, Lead, SiteNeeds, Task
from portal.leads.rules.matching import company_key, email_domain, phone_digits
from tests import factories
from tests.pdfs import pdf
from tests.staff import post


def test_matching_keys():
    assert company_key("Hanbit Electronics Co., Ltd.") == company_key("HANBIT ELECTRONICS") == "hanbit electronics"
    assert company_key("Công ty TNHH Bình Minh") == "binh minh"
    assert email_domain("kim@Hanbit.co.kr") == "hanbit.co.kr" and email_domain("kim@naver.com") == ""
    assert phone_digits("+82 (2) 1234-5678") == phone_digits("02 1234 5678") and phone_digits("123") == ""


def test_lead_page_lists_possible_duplicates(staff_client, session):
    lead = factories.lead("Hanbit Electronics Co., Ltd.", email="kim@hanbit.co.kr", phone="+82 2 1234 5678")
    same_domain = factories.lead("Hanbit Semiconductor", email="lee@hanbit.co.kr", country="VN")
    same_phone = factories.lead("Other name", email="x@gmail.com", phone="02-1234-5678", country="SG")
    same_company = factories.lead("HANBIT ELECTRONICS", email="y@naver.com", country="KR")
    factories.lead("Hanbit Electronics", email="z@naver.com", country="JP")  # other country
    factories.lead("Unrelated", email="a@gmail.com", country="KR")
    factories.lead("Also public", email="b@gmail.com", country="US")  # same public domain: no match
    session.commit()
    html = staff_client.get(f"/staff/leads/{lead.reference}").text
    section = html[html.index('id="duplicates-title"'):html.index('id="source-title"')]
    found = {ref for ref in (same_domain.reference, same_phone.reference, same_company.reference) if ref in section}
    assert found == {same_domain.reference, same_phone.reference, same_company.reference}
    assert section.count("/staff/leads/IP-") == 2 * 3  # the lead link and the merge link of each


def test_merge_moves_the_timeline_and_keeps_the_duplicate_marked(staff_client, session, manager):
    survivor = factories.lead("Hanbit Electronics", email="kim@hanbit.co.kr", message="First inquiry",
                              estimated_investment_usd=None, sectors=[factories.sector("semiconductors")])
    duplicate = factories.lead("HANBIT ELECTRONICS CO., LTD.", email="kim.minjun@hanbit.co.kr", country="KR",
                               phone="+82 10 5555 0101", message="Second inquiry, through another colleague",
                               estimated_investment_usd=80_000_000, sectors=[factories.sector("batteries")])
    duplicate.activities.append(Activity(kind="call", body="Called about batteries", user_id=manager.id))
    duplicate.consents.append(Consent(subject="lead", email=duplicate.email, given_at=duplicate.created_at,
                                      purposes="answer_request", notice_version="2026-01", language="en"))
    duplicate.tasks.append(Task(title="Send battery incentives", due_date=duplicate.created_at.date(),
                                assignee_id=manager.id))
    session.commit()

    page = staff_client.get(f"/staff/leads/{survivor.reference}/merge/{duplicate.reference}")
    assert page.status_code == 200 and "kim.minjun@hanbit.co.kr" in page.text
    response = post(staff_client, f"/staff/leads/{survivor.reference}/merge/{duplicate.reference}",
                    phone="duplicate", estimated_investment_usd="duplicate", email="this")
    assert response.status_code == 302
    session.expire_all()
    assert survivor.phone == "+82 10 5555 0101" and survivor.estimated_investment_usd == 80_000_000
    assert survivor.email == "kim@hanbit.co.kr"
    assert {s.code for s in survivor.sectors} == {"semiconductors", "batteries"}
    bodies = [activity.body for activity in survivor.activities]
    assert "Second inquiry, through another colleague" in bodies and "Called about batteries" in bodies
    assert len(survivor.consents) == 1 and survivor.tasks[0].title == "Send battery incentives"
    assert duplicate.status == "merged" and duplicate.merged_into_id == survivor.id
    assert session.get(Lead, duplicate.id) is not None  # nothing deleted
    listed = staff_client.get("/staff/leads?status=all").text
    assert f'href="/staff/leads/{survivor.reference}"' in listed
    assert f'href="/staff/leads/{duplicate.reference}"' not in listed
    merged_page = staff_client.get(f"/staff/leads/{duplicate.reference}").text
    assert "This lead was merged into another one." in merged_page
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).one()
    assert entry.changes["merged"] == [None, duplicate.reference]
    assert entry.changes["phone"] == ["", "+82 10 5555 0101"]


def test_an_officer_cannot_merge_a_colleagues_lead(app, session):
    from tests.staff import log_in

    officer, colleague = factories.user(), factories.user()
    mine = factories.lead("Mine", owner=officer)
    theirs = factories.lead("Theirs", owner=colleague)
    session.commit()
    client = app.test_client()
    log_in(client, officer)
    assert client.get(f"/staff/leads/{mine.reference}/merge/{theirs.reference}").status_code == 403


def test_merge_moves_the_investors_documents_private_link_and_site_needs(client, staff_client, session, tmp_path,
                                                                          app, monkeypatch):
    """What the investor added and stated on the duplicate stays theirs: their private link opens the
    surviving lead, with their documents, and staff see their site needs there."""
    monkeypatch.setitem(app.config, "LEAD_DOCUMENT_DIR", str(tmp_path))
    survivor = factories.lead("Hanbit Electronics", email="kim@hanbit.co.kr")
    duplicate = factories.lead("HANBIT ELECTRONICS CO., LTD.", email="kim.minjun@hanbit.co.kr")
    duplicate.site_needs = SiteNeeds(land_ha=Decimal("30"), power_mva=Decimal("20"))
    session.flush()
    add_from_investor(duplicate, "Our site plan", [Document(pdf(), "application/pdf", "pdf", "site-plan.pdf")])
    token = issue_link(duplicate)
    session.commit()

    response = post(staff_client, f"/staff/leads/{survivor.reference}/merge/{duplicate.reference}")
    assert response.status_code == 302
    session.expire_all()
    assert survivor.site_needs is not None and survivor.site_needs.land_ha == Decimal("30")
    assert duplicate.site_needs is None
    assert [document.original_name for document in
            session.scalars(select(InvestorDocument).where(InvestorDocument.lead_id == survivor.id))] == ["site-plan.pdf"]
    page = client.get(f"/en/my-inquiry/{token}")
    assert page.status_code == 200 and survivor.reference in page.text and "site-plan.pdf" in page.text
    assert "site-plan.pdf" in staff_client.get(f"/staff/leads/{survivor.reference}").text
