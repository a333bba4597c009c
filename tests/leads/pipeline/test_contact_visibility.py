"""An officer sees how to reach the investors of their own leads and of the leads nobody has taken;
of a colleague's lead, only that it exists (company, country, stage, owner), so nobody works on the
same investor twice. Managers and administrators see everything. The list, the board, the lead
page, the search, the today page and the export agree (``can_see_contact``)."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from portal import clock
from portal.leads import queries
from portal.leads.models import Activity, Consent, Lead, LostReason, Stage, Task
from portal.leads.pipeline import export
from portal.leads.rules.access import can_see_contact, contact_visible_to
from tests import factories
from tests.staff import log_in

#: Everything that tells how to reach the investor of the colleague's lead, or what they wrote.
THEIR_CONTACT = ("Tanaka Hiroshi", "tanaka@sakura.example", "+81 3 5555 1234", "Plant Director",
                 "We need 5 ha near the port", "His mobile is 090-1111-2222", "Yamada Taro", "yamada@osaka.example",
                 "Osaka Chamber", "203.0.113.9")


@pytest.fixture
def desk(session):
    """Two officers and a manager; a lead of each officer and one nobody has taken."""
    me = factories.user(role="officer", name="Officer Mai")
    colleague = factories.user(role="officer", name="Officer Hùng")
    manager = factories.user(role="manager", name="Manager Lan")
    mine = factories.lead("Hanbit Electronics", owner=me, name="Kim Min-jun", email="kim@hanbit.example",
                          phone="+82 2 1234 5678", job_title="Investment Director", message="We look for 15 ha.")
    nobodys = factories.lead("Daejeon Battery", name="Lee Seo-yeon", email="lee@dbm.example",
                             message="Cathode materials plant.")
    theirs = factories.lead("Sakura Precision", owner=colleague, country="JP", name="Tanaka Hiroshi",
                            email="tanaka@sakura.example", phone="+81 3 5555 1234", job_title="Plant Director",
                            message="We need 5 ha near the port", introducer_name="Yamada Taro",
                            introducer_organisation="Osaka Chamber", introducer_email="yamada@osaka.example",
                            introducer_relationship="chamber")
    theirs.activities.append(Activity(kind="call", body="His mobile is 090-1111-2222", user_id=colleague.id,
                                      created_at=clock.now()))
    theirs.consents.append(Consent(subject="investor", email="tanaka@sakura.example", given_at=clock.now(),
                                   purposes="answer_request", notice_version="2026-01", language="ja",
                                   ip_address="203.0.113.9"))
    session.commit()
    return {"me": me, "colleague": colleague, "manager": manager, "mine": mine, "nobodys": nobodys, "theirs": theirs}


@pytest.fixture
def officer(app, desk):
    client = app.test_client()
    log_in(client, desk["me"])
    return client


@pytest.fixture
def manager_client(app, desk):
    client = app.test_client()
    log_in(client, desk["manager"])
    return client


def shows_none_of_their_contact(html: str) -> bool:
    return not [text for text in THEIR_CONTACT if text in html]


def found(client, query: str) -> set[str]:
    html = client.get("/staff/leads", query_string={"q": query, "status": "all"}).text
    return set(re.findall(r'<a href="/staff/leads/IP-[^"]+">([^<]+)</a>', html))


def test_the_list_shows_a_colleagues_lead_without_how_to_reach_it(officer, desk):
    html = officer.get("/staff/leads").text
    assert "Sakura Precision" in html and "Officer Hùng" in html and 'title="Japan"' in html
    assert shows_none_of_their_contact(html)
    assert "Kim Min-jun" in html and "Lee Seo-yeon" in html  # mine, and the one nobody has taken


def test_the_board_shows_a_colleagues_lead_without_how_to_reach_it(officer, desk, session):
    nameless = factories.lead(owner=desk["colleague"], name="Nameless Investor")
    nameless.company = ""  # an imported contact may come without one
    session.commit()
    html = officer.get("/staff/leads/board").text
    assert "Sakura Precision" in html and "Officer Hùng" in html
    assert "Nameless Investor" not in html and nameless.reference in html  # no company: the reference stands in
    assert shows_none_of_their_contact(html)


def test_a_colleagues_lead_page_shows_the_work_not_the_person(officer, desk):
    html = officer.get(f"/staff/leads/{desk['theirs'].reference}").text
    assert "Sakura Precision" in html and "Owner: Officer Hùng" in html and "Japan" in html
    assert "shown to the lead's owner and to managers" in html
    assert shows_none_of_their_contact(html)


def test_a_colleagues_lost_lead_shows_the_reason_not_the_comment(officer, desk, session):
    theirs = desk["theirs"]
    theirs.stage = session.scalars(select(Stage).where(Stage.code == "lost")).one()
    theirs.status = "lost"
    theirs.lost_reason = session.scalars(select(LostReason).where(LostReason.code == "other_location")).one()
    theirs.lost_comment = "Chose Bac Ninh, call Mr Tanaka on 090-1111-2222 in May"
    session.commit()
    html = officer.get(f"/staff/leads/{theirs.reference}").text
    assert "Reason the lead was lost" in html and "Chose Bac Ninh" not in html


def test_my_lead_and_the_one_nobody_has_taken_show_everything(officer, desk):
    mine = officer.get(f"/staff/leads/{desk['mine'].reference}").text
    assert all(text in mine for text in ("Kim Min-jun", "kim@hanbit.example", "+82 2 1234 5678",
                                         "Investment Director", "We look for 15 ha."))
    nobodys = officer.get(f"/staff/leads/{desk['nobodys'].reference}").text
    assert "Lee Seo-yeon" in nobodys and "lee@dbm.example" in nobodys and "Cathode materials plant." in nobodys


def test_managers_see_every_leads_contact_data(manager_client, desk):
    html = manager_client.get(f"/staff/leads/{desk['theirs'].reference}").text
    assert all(text in html for text in THEIR_CONTACT)
    assert "Tanaka Hiroshi" in manager_client.get("/staff/leads").text


def test_an_officer_does_not_find_a_colleagues_lead_by_its_contact_data(officer, desk):
    for query in ("tanaka@sakura.example", "Tanaka", "+81355551234", "5 ha near the port"):
        assert found(officer, query) == set(), query
    assert found(officer, "Sakura") == {"Sakura Precision"}  # the company is no secret in the team
    assert found(officer, desk["theirs"].reference) == {"Sakura Precision"}
    assert found(officer, "kim@hanbit.example") == {"Hanbit Electronics"}
    assert found(officer, "+82212345678") == {"Hanbit Electronics"}
    assert found(officer, "lee@dbm.example") == {"Daejeon Battery"}


def test_a_manager_finds_any_lead_by_e_mail_or_phone(manager_client, desk):
    assert found(manager_client, "tanaka@sakura.example") == {"Sakura Precision"}
    assert found(manager_client, "+81355551234") == {"Sakura Precision"}
    assert found(manager_client, "0355551234") == {"Sakura Precision"}  # typed the national way


def test_the_search_rule_is_the_page_rule(desk, session):
    """``contact_visible_to`` (SQL) selects exactly the leads ``can_see_contact`` (Python) allows."""
    every_lead = list(session.scalars(select(Lead)))
    for user in (desk["me"], desk["colleague"], desk["manager"]):
        allowed = set(session.scalars(select(Lead.id).where(contact_visible_to(user))))
        assert allowed == {lead.id for lead in every_lead if can_see_contact(user, lead)}


def test_the_today_page_names_a_task_on_a_colleagues_lead_by_its_reference(officer, desk, session):
    theirs = desk["theirs"]
    theirs.company = ""
    theirs.tasks.append(Task(title="Bring the brochure to the meeting", due_date=date.today(),
                             assignee_id=desk["me"].id))
    session.commit()
    html = officer.get("/staff/").text
    assert "Bring the brochure to the meeting" in html and theirs.reference in html
    assert "Tanaka Hiroshi" not in html


def test_the_export_follows_the_same_rule(app, manager_client, desk, session):
    csv = manager_client.get("/staff/leads/export.csv?status=all").data.decode("utf-8-sig")
    assert "tanaka@sakura.example" in csv and "Yamada Taro" in csv  # managers export everything
    with app.test_request_context():
        leads = queries.leads_for_export(desk["me"])
        rows = {row[0]: row for row in export.rows(leads, "en", desk["me"])[1:]}
    header = export.rows([], "en", desk["me"])[0]
    theirs = dict(zip(header, rows[desk["theirs"].reference]))
    assert theirs["Company"] == "Sakura Precision" and theirs["Owner"] == "Officer Hùng"
    assert [theirs[column] for column in ("Name", "Job title", "E-mail", "Phone", "Referrer", "Message")] == [""] * 6
    mine = dict(zip(header, rows[desk["mine"].reference]))
    assert (mine["Name"], mine["E-mail"]) == ("Kim Min-jun", "kim@hanbit.example")


def test_an_officer_cannot_download_the_list(officer, desk):
    assert officer.get("/staff/leads/export.csv").status_code == 403


def test_duplicates_of_my_lead_do_not_reveal_a_colleagues_contact(officer, desk, session):
    twin = factories.lead("Sakura Precision Co., Ltd.", owner=desk["me"], country="JP", email="sato@sakura.example")
    session.commit()
    mine = officer.get(f"/staff/leads/{twin.reference}").text
    assert "Possible duplicates" in mine and desk["theirs"].reference in mine  # so the two officers talk
    assert "tanaka@sakura.example" not in mine
    theirs = officer.get(f"/staff/leads/{desk['theirs'].reference}").text
    assert "Possible duplicates" not in theirs and "sato@sakura.example" not in theirs
