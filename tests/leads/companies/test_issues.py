"""Issues raised by investors: the public form in the investor's language, matching to a company,
due days in working days, overdue marks and early warning, status changes and the resolution e-mail."""
from datetime import date

import pytest
from sqlalchemy import select

from portal.leads.models import CompanyContact, Holiday, Issue, IssueNote
from portal.leads.rules.deadlines import add_working_days
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.conftest import logged_in_client
from tests.forms import hidden_fields, submit
from tests.staff import post

TODAY = date(2026, 12, 7)  # a Monday


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("portal.clock.today_in_vietnam", lambda: TODAY)


def support(**overrides) -> dict:
    return {"name": "山田太郎", "company": "Sakura Seiki", "email": "yamada@sakura.example", "phone": "",
            "category": "customs", "subject": "通関が遅れています", "message": "部品の輸入が3週間止まっています。",
            "consent": "y", **overrides}


def mails(session, kind: str) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def test_working_days_skip_weekends_and_holidays():
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)  # Friday -> Monday
    assert add_working_days(date(2026, 12, 7), 10) == date(2026, 12, 21)
    assert add_working_days(date(2026, 12, 7), 10, {date(2026, 12, 10)}) == date(2026, 12, 22)


def test_an_investor_raises_an_issue_in_japanese_matched_by_the_contacts_email(client, session):
    company = factories.company("さくら精機", name_latin="Sakura Seiki", country="JP")
    session.add(CompanyContact(company_id=company.id, name="Yamada", email="Yamada@Sakura.example", language="ja"))
    session.add(Holiday(day=date(2026, 12, 10), name="A day off"))
    session.commit()

    response = submit(client, "/ja/investor-support", support(), follow=True)
    assert response.status_code == 200
    issue = session.scalars(select(Issue)).one()
    assert issue.reference.startswith("IS-26-") and issue.reference in response.text
    assert "受け付けました" in response.text or issue.reference in response.text
    assert (issue.company_id, issue.contact.name, issue.category, issue.language, issue.status) == \
        (company.id, "Yamada", "customs", "ja", "open")
    assert issue.due_on == date(2026, 12, 22)  # ten working days, the holiday not counted
    [ack] = mails(session, "issue_received")
    assert ack.recipient == "yamada@sakura.example" and ack.language == "ja"
    assert issue.reference in ack.subject and "通関" in ack.body  # the category, in Japanese
    assert "部品" not in ack.body  # nothing the sender typed is repeated


def test_a_sender_the_portal_cannot_match_is_left_for_staff_to_link(client, session, staff_client):
    company = factories.company("Hanbit Electronics", name_latin="Hanbit Electronics", country="KR")
    session.commit()
    submit(client, "/en/investor-support", support(company="Unknown Widgets Ltd", email="x@widgets.example",
                                                    subject="Power cuts", message="Two cuts a week."))
    issue = session.scalars(select(Issue)).one()
    assert issue.company_id is None
    listed = staff_client.get("/staff/issues?company=none").text
    assert issue.reference in listed and "Unknown Widgets Ltd" in listed
    response = post(staff_client, f"/staff/issues/{issue.reference}/edit", company=str(company.id),
                    category="utilities", agency="power", subject="Power cuts", owner="",
                    due_on=issue.due_on.isoformat())
    assert response.status_code == 302
    session.refresh(issue)
    assert (issue.company_id, issue.agency) == (company.id, "power")
    # A company name in another spelling of the same company is matched
    submit(client, "/en/investor-support", support(company="HANBIT ELECTRONICS CO., LTD.", email="y@hanbit.example"))
    assert session.scalars(select(Issue).order_by(Issue.id.desc())).first().company_id == company.id


def test_errors_are_shown_beside_the_fields_in_the_language_and_input_is_kept(client, session):
    response = submit(client, "/ko/investor-support", support(category="", email="not-an-email"))
    assert response.status_code == 400
    assert "山田太郎" in response.text and "通関が遅れています" in response.text
    assert "하나를 선택해 주십시오" in response.text or "선택" in response.text
    assert session.scalars(select(Issue)).all() == []


def test_an_overdue_issue_is_marked_and_warns_on_the_company_list_until_resolved(session, staff_client):
    company = factories.company("Sakura Seiki", country="JP")
    session.add(CompanyContact(company_id=company.id, name="Yamada", email="yamada@sakura.example", language="ja"))
    session.commit()
    response = post(staff_client, f"/staff/companies/{company.id}/issues", category="customs", agency="customs",
                    subject="Parts held at customs", description="", owner="", due_on="2026-12-01")
    assert response.status_code == 302
    issue = session.scalars(select(Issue)).one()
    assert issue.due_on == date(2026, 12, 1) and issue.language == "ja"
    assert "Overdue" in staff_client.get("/staff/issues?overdue=y").text
    warned = staff_client.get("/staff/companies?warning=issue_overdue").text
    assert "Sakura Seiki" in warned and "An issue is overdue" in warned
    assert "An issue is overdue" in staff_client.get(f"/staff/companies/{company.id}").text

    post(staff_client, f"/staff/issues/{issue.reference}/status", status="waiting_for_agency",
         note="Asked the customs department")
    assert mails(session, "issue_resolved") == []
    post(staff_client, f"/staff/issues/{issue.reference}/status", status="resolved", note="税関が部品を通しました。")
    session.refresh(issue)
    assert (issue.status, issue.resolved_on) == ("resolved", TODAY)
    [notice] = mails(session, "issue_resolved")
    assert (notice.recipient, notice.language) == ("yamada@sakura.example", "ja")
    assert "解決" in notice.subject and "税関が部品を通しました。" in notice.body
    assert "Sakura Seiki" not in staff_client.get("/staff/companies?warning=issue_overdue").text
    notes = session.scalars(select(IssueNote).where(IssueNote.issue_id == issue.id)).all()
    assert [n.status_to for n in sorted(notes, key=lambda n: n.id)] == ["open", "waiting_for_agency", "resolved"]
    page = staff_client.get(f"/staff/issues/{issue.reference}").text
    assert "Asked the customs department" in page and "Waiting for the agency" in page


def test_an_officer_works_on_the_issues_of_their_companies_and_free_ones_only(app, session):
    officer, colleague = factories.user(), factories.user()
    theirs = factories.company("Colleague's company", owner=colleague)
    free = factories.company("Free company")
    session.commit()
    client = logged_in_client(app, colleague)
    post(client, f"/staff/companies/{theirs.id}/issues", category="land", agency="agriculture_environment",
         subject="Land lease papers", owner="", due_on="")
    post(client, f"/staff/companies/{free.id}/issues", category="taxes", agency="tax", subject="VAT refund",
         owner="", due_on="")
    taken, open_one = session.scalars(select(Issue).order_by(Issue.id)).all()
    me = logged_in_client(app, officer)
    assert me.get(f"/staff/issues/{taken.reference}").status_code == 403
    assert post(me, f"/staff/issues/{taken.reference}/status", status="closed").status_code == 403
    assert me.get(f"/staff/issues/{open_one.reference}").status_code == 200
    listed = me.get("/staff/issues").text
    assert open_one.reference in listed and taken.reference not in listed


def test_the_same_form_sent_twice_is_one_issue_with_one_acknowledgement(client, session):
    page = client.get("/en/investor-support")
    payload = {**hidden_fields(page.text), **support()}
    first = client.post("/en/investor-support", data=payload)
    again = client.post("/en/investor-support", data=payload)
    assert first.status_code == again.status_code == 302
    issue = session.scalars(select(Issue)).one()
    assert len(mails(session, "issue_received")) == 1
    assert issue.reference in client.get(again.headers["Location"]).text


def test_an_issue_logged_without_a_subject_keeps_what_was_typed(session, staff_client):
    company = factories.company("Sakura Seiki", country="JP")
    session.commit()
    response = post(staff_client, f"/staff/companies/{company.id}/issues", category="customs", agency="customs",
                    subject="", description="Parts held at the port since May", owner="", due_on="")
    assert response.status_code == 400
    assert "Parts held at the port since May" in response.text and "Please fill in this field." in response.text
    assert session.scalars(select(Issue)).all() == []
