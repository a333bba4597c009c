"""Personal data requests: find, export, correct, withdraw consent, erase; deadlines shown until done."""
import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from portal import clock
from portal.audit import AuditEntry
from portal.leads.follow.operations import Document, add_from_investor
from portal.leads.models import Activity, Consent, DataRequest, SiteNeeds
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.pdfs import pdf
from tests.staff import log_in, post

EMAIL = "kim@hanbit.example"


def person(session, manager):
    semis = factories.sector("semiconductors")
    lead = factories.lead("Hanbit Electronics", email=EMAIL, name="Kim Min-jun", phone="+82 2 1234 5678",
                          sectors=[semis], estimated_investment_usd=120_000_000, message="Our plans in detail")
    lead.consents.append(Consent(subject="lead", email=EMAIL, given_at=clock.now(), purposes="answer_request,news",
                                 notice_version="2026-01", language="ko", ip_address="203.0.113.7"))
    lead.activities.append(Activity(kind="call", body="Mr Kim's mobile is ...", user_id=manager.id))
    introduced = factories.lead("Other Co", introducer_name="Kim Min-jun", introducer_email=EMAIL)
    session.add(OutboxMessage(kind="acknowledgement", recipient=EMAIL, subject="Thanks", body="Dear Kim",
                              language="ko", lead_id=lead.id, reply_to="invest+IP-1@centre.example",
                              thread=["<reply-1@mail.hanbit.example>"]))
    session.commit()
    return lead, introduced


def open_request(client, session, kind: str) -> DataRequest:
    response = post(client, "/staff/data-requests", email=EMAIL.upper(), kind=kind, channel="e-mail")
    assert response.status_code == 302
    return session.scalars(select(DataRequest).order_by(DataRequest.id.desc())).first()


def test_request_shows_everything_held_and_its_deadlines(staff_client, session, manager):
    person(session, manager)
    request = open_request(staff_client, session, "access")
    assert request.email == EMAIL
    assert clock.as_utc(request.complete_by) - clock.as_utc(request.received_at) == timedelta(days=15)
    html = staff_client.get(f"/staff/data-requests/{request.id}").text
    assert "Acknowledge by" in html and "Act by" in html
    assert "1 lead" in html and "Introductions made: 1" in html and "E-mails sent to this address: 1" in html
    exported = json.loads(staff_client.get(f"/staff/data-requests/{request.id}/export.json").data)
    assert exported["leads"][0]["name"] == "Kim Min-jun" and exported["consents"][0]["ip_address"] == "203.0.113.7"
    assert "Mr Kim's mobile is ..." in exported["leads"][0]["timeline_entries"][0]["text"]
    csv_text = staff_client.get(f"/staff/data-requests/{request.id}/export.csv").data.decode("utf-8-sig")
    assert "Kim Min-jun" in csv_text
    post(staff_client, f"/staff/data-requests/{request.id}/acknowledge")
    post(staff_client, f"/staff/data-requests/{request.id}/complete", note="Sent the JSON export by e-mail")
    session.expire_all()
    assert request.acknowledged_at and request.completed_at and "JSON export" in request.notes
    assert "Done" in staff_client.get("/staff/data-requests").text



def test_the_export_holds_the_site_needs_and_the_documents_sent(staff_client, session, manager, app, tmp_path,
                                                               monkeypatch):
    monkeypatch.setitem(app.config, "LEAD_DOCUMENT_DIR", str(tmp_path))
    lead, _ = person(session, manager)
    lead.site_needs = SiteNeeds(land_ha=Decimal("30"), budget_usd=60_000_000, start="within_1_year")
    session.flush()
    add_from_investor(lead, "Our site plan", [Document(pdf(), "application/pdf", "pdf", "site-plan.pdf")])
    session.commit()
    request = open_request(staff_client, session, "access")
    [record] = json.loads(staff_client.get(f"/staff/data-requests/{request.id}/export.json").data)["leads"]
    assert record["site_needs"]["land_ha"] == "30.00" and record["site_needs"]["budget_usd"] == 60_000_000
    assert record["site_needs"]["start"] == "within_1_year"
    assert [(d["name"], d["type"]) for d in record["documents"]] == [("site-plan.pdf", "application/pdf")]
    rows = list(csv.reader(io.StringIO(
        staff_client.get(f"/staff/data-requests/{request.id}/export.csv").data.decode("utf-8-sig"))))
    assert ["document", lead.reference, "name", "site-plan.pdf"] in rows

def test_late_acknowledgement_stands_out(staff_client, session, manager, monkeypatch):
    request = open_request(staff_client, session, "access")
    later = clock.now() + timedelta(days=5)
    monkeypatch.setattr(clock, "now", lambda: later)
    log_in(staff_client, manager)  # five days on, the morning's session has long ended
    html = staff_client.get("/staff/data-requests").text
    assert html.count("badge badge-overdue") == 1  # acknowledgement late, the 15 days not yet
    assert request.acknowledgement_late(later) and not request.completion_late(later)


def test_correction_withdrawal_and_erasure(staff_client, session, manager):
    lead, introduced = person(session, manager)
    request = open_request(staff_client, session, "erasure")
    ref = lead.reference
    post(staff_client, f"/staff/data-requests/{request.id}/correct/{ref}", **{
        f"{ref}-name": "Kim Min-joon", f"{ref}-company": "Hanbit Electronics", f"{ref}-job_title": "",
        f"{ref}-email": EMAIL, f"{ref}-phone": "+82 2 1234 5679"})
    session.expire_all()
    assert lead.name == "Kim Min-joon" and lead.phone == "+82 2 1234 5679"

    post(staff_client, f"/staff/data-requests/{request.id}/withdraw")
    session.expire_all()
    assert all(consent.withdrawn_at for consent in session.scalars(select(Consent)))

    refused = post(staff_client, f"/staff/data-requests/{request.id}/erase")
    session.expire_all()
    assert lead.name == "Kim Min-joon"  # not without the confirmation
    post(staff_client, f"/staff/data-requests/{request.id}/erase", confirm="y")
    session.expire_all()
    assert lead.name == "[erased]" and EMAIL not in lead.email and lead.phone == "" and lead.message == ""
    assert all(activity.body in ("", "[erased]") for activity in lead.activities)
    assert introduced.introducer_email == "" and introduced.introducer_name == "[erased]"
    assert session.scalars(select(Consent)).one().ip_address == ""
    erased_mail = session.scalars(select(OutboxMessage)).one()
    assert erased_mail.recipient == "[erased]" and not erased_mail.thread and erased_mail.reply_to == ""
    # the statistics stay
    assert lead.country == "KR" and lead.estimated_investment_usd == 120_000_000 and lead.sectors
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "erase_personal_data")).first()
    assert "Nothing: no lead" in staff_client.get(f"/staff/data-requests/{request.id}").text
    assert refused.status_code == 302


def test_only_managers_handle_data_requests(app, session):
    officer = factories.user()
    session.commit()
    client = app.test_client()
    log_in(client, officer)
    assert client.get("/staff/data-requests").status_code == 403


def test_the_csv_export_cannot_run_as_a_spreadsheet_formula(staff_client, session, manager):
    factories.lead("=HYPERLINK(\"http://evil.example\",\"Click\")", email=EMAIL, name="+cmd|' /C calc'!A0",
                   message="@SUM(1+1)")
    session.commit()
    request = open_request(staff_client, session, "access")
    rows = list(csv.reader(io.StringIO(
        staff_client.get(f"/staff/data-requests/{request.id}/export.csv").data.decode("utf-8-sig"))))
    values = {row[2]: row[3] for row in rows if row[0] == "lead"}
    assert values["company"] == "'=HYPERLINK(\"http://evil.example\",\"Click\")"
    assert values["name"] == "'+cmd|' /C calc'!A0" and values["message"] == "'@SUM(1+1)"
    assert values["email"] == EMAIL


def test_a_company_contact_is_exported_and_erased_while_the_company_keeps_its_figures(staff_client, session, manager):
    from datetime import date

    from portal.leads.models import CompanyContact, Visit

    company = factories.company("Hanbit Electronics", visit_due_on=date(2027, 6, 1),
                                projects=[{"registered_capital_usd": 32_000_000, "jobs": 850}])
    session.add(CompanyContact(company_id=company.id, name="Kim Min-jun", role="Plant director", language="ko",
                               email="Kim@Hanbit.example", phone="+82 2 1234 5678"))
    session.add(Visit(company_id=company.id, visited_on=date(2026, 11, 2), summary="Expansion plans"))
    session.commit()
    request = open_request(staff_client, session, "erasure")
    page = staff_client.get(f"/staff/data-requests/{request.id}").text
    assert "Contact of an investor company" in page and "Hanbit Electronics" in page
    exported = json.loads(staff_client.get(f"/staff/data-requests/{request.id}/export.json").data)
    assert exported["company_contacts"] == [{"company": "Hanbit Electronics", "name": "Kim Min-jun",
                                             "role": "Plant director", "language": "ko",
                                             "email": "Kim@Hanbit.example", "phone": "+82 2 1234 5678"}]

    post(staff_client, f"/staff/data-requests/{request.id}/erase", confirm="y")
    session.expire_all()
    contact = session.scalars(select(CompanyContact)).one()
    assert (contact.name, contact.email, contact.phone, contact.role) == ("[erased]", "", "", "")
    assert company.registered_capital_usd == 32_000_000 and company.jobs == 850 and len(company.visits) == 1


def test_the_person_who_raised_an_issue_is_exported_and_erased_while_the_issue_is_counted(staff_client, session):
    from datetime import date

    from portal.leads.models import Issue

    company = factories.company("Hanbit Electronics")
    session.add(Issue(reference="IS-26-ABCDEF", company_id=company.id, category="customs", agency="customs",
                      subject="Parts held", description="Our parts are held at the port.", raised_on=date(2026, 12, 1),
                      due_on=date(2026, 12, 15), raised_by_name="Kim Min-jun", raised_by_email=EMAIL.upper(),
                      raised_by_company="Hanbit", language="ko", source="form"))
    session.commit()
    request = open_request(staff_client, session, "erasure")
    assert "IS-26-ABCDEF" in staff_client.get(f"/staff/data-requests/{request.id}").text
    exported = json.loads(staff_client.get(f"/staff/data-requests/{request.id}/export.json").data)
    [raised] = exported["issues_raised"]
    assert (raised["reference"], raised["name"], raised["description"]) == \
        ("IS-26-ABCDEF", "Kim Min-jun", "Our parts are held at the port.")

    post(staff_client, f"/staff/data-requests/{request.id}/erase", confirm="y")
    session.expire_all()
    issue = session.scalars(select(Issue)).one()
    assert (issue.raised_by_name, issue.raised_by_email, issue.description) == ("[erased]", "", "[erased]")
    assert (issue.company_id, issue.category, issue.agency) == (company.id, "customs", "customs")


def test_the_investors_site_visits_are_exported_and_erasure_keeps_only_their_dates_and_parks(
        staff_client, session, manager):
    from datetime import datetime, timezone

    from portal.leads.models import SiteVisit, SiteVisitStop

    lead, _introduced = person(session, manager)
    vsip, bau_bang = factories.park("vsip-3"), factories.park("bau-bang")
    starts = datetime(2027, 3, 4, 2, 0, tzinfo=timezone.utc)
    session.add(SiteVisit(lead=lead, uid="site-visit-1@portal.example", sequence=1, status="confirmed",
                          starts_at=starts, ends_at=starts.replace(hour=9), meeting_point="Room 512, Becamex Hotel",
                          guide_language="ko", note="Mr Kim prefers vegetarian lunches", answer="ACCEPTED",
                          answered_at=datetime(2027, 2, 20, 8, 0, tzinfo=timezone.utc), answer_sequence=1,
                          stops=[SiteVisitStop(position=0, park=vsip), SiteVisitStop(position=1, park=bau_bang)]))
    session.commit()
    request = open_request(staff_client, session, "access")

    exported = json.loads(staff_client.get(f"/staff/data-requests/{request.id}/export.json").data)
    [visit] = exported["leads"][0]["site_visits"]
    assert visit["parks"] == ["vsip-3", "bau-bang"] and visit["status"] == "confirmed"
    assert visit["meeting_point"] == "Room 512, Becamex Hotel" and visit["note"] == "Mr Kim prefers vegetarian lunches"
    assert visit["answer"] == "ACCEPTED" and visit["answered_at"].startswith("2027-02-20")
    assert visit["starts_at"].startswith("2027-03-04")
    rows = list(csv.reader(io.StringIO(
        staff_client.get(f"/staff/data-requests/{request.id}/export.csv").data.decode("utf-8-sig"))))
    assert ["site_visit", lead.reference, "parks", "vsip-3, bau-bang"] in rows
    assert ["site_visit", lead.reference, "meeting_point", "Room 512, Becamex Hotel"] in rows
    assert ["site_visit", lead.reference, "answer", "ACCEPTED"] in rows

    post(staff_client, f"/staff/data-requests/{request.id}/erase", confirm="y")
    session.expire_all()
    kept = session.scalars(select(SiteVisit)).one()
    assert (kept.note, kept.meeting_point) == ("", "")
    # the statistics keep when, where and how it went
    assert clock.as_utc(kept.starts_at) == starts and [stop.park.slug for stop in kept.stops] == ["vsip-3", "bau-bang"]
    assert (kept.status, kept.answer, kept.guide_language) == ("confirmed", "ACCEPTED", "ko")
