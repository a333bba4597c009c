"""The list, search and board as they work at scale: the board's newest cards per stage with the
rest one link away, the search served by text indexes (accents and case not counting, parts of
words found), and the next-step order kept by the database session whatever changes a task."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.leads import operations, queries
from portal.leads.models import Stage, Task
from tests import factories
from tests.conftest import logged_in_client
from tests.staff import post


def stage_id(session, code: str) -> int:
    return session.scalars(select(Stage.id).where(Stage.code == code)).one()


def companies(client, query: str) -> list[str]:
    return re.findall(r'<a href="/staff/leads/IP-[^"]+">([^<]+)</a>', client.get(f"/staff/leads?{query}").text)


def test_board_shows_the_newest_cards_of_each_stage_with_its_count_and_a_link_to_the_rest(
        app, staff_client, session, monkeypatch):
    monkeypatch.setitem(app.config, "BOARD_CARDS_PER_STAGE", 2)
    now = clock.now()
    for days, company in ((3, "Oldest Co"), (2, "Middle Co"), (1, "Newest Co")):
        factories.lead(company, received=now - timedelta(days=days))
    factories.lead("Contacted Co", stage="contacted")
    session.commit()

    html = staff_client.get("/staff/leads/board").text
    new_column, contacted_column = html.split('class="board-column"')[1:3]
    assert re.findall(r'class="board-card-title">([^<]+)<', new_column) == ["Newest Co", "Middle Co"]
    assert "3 leads" in new_column and "Oldest Co" not in html
    link = re.search(r'<a href="([^"]+)">See all 3 in the list</a>', new_column)
    assert link and link.group(1) == f"/staff/leads?stage={stage_id(session, 'new')}"
    assert "See all" not in contacted_column
    assert sorted(companies(staff_client, link.group(1).split("?")[1])) == ["Middle Co", "Newest Co", "Oldest Co"]


def test_board_cards_are_light_and_move_without_javascript_when_ticked(staff_client, session):
    first, second = factories.lead("Hanbit Chips"), factories.lead("Sakura Precision")
    session.commit()
    html = staff_client.get("/staff/leads/board").text
    card = re.search(r'<li class="board-card.*?</li>', html, re.S).group(0)
    assert "<select" not in card and "csrf_token" not in card and len(card.encode()) < 900

    contacted = stage_id(session, "contacted")
    response = post(staff_client, "/staff/leads/bulk", **{"bulk-action": "stage", "bulk-stage": str(contacted),
                                                          "lead": [first.reference, second.reference],
                                                          "back": "/staff/leads/board"})
    assert response.headers["Location"] == "/staff/leads/board"
    session.expire_all()
    assert first.stage_id == contacted and second.stage_id == contacted


@pytest.mark.parametrize(("query", "found"), [
    ("q=binh+duong", ["Bình Dương Textiles"]),        # no accents typed
    ("q=B%C3%8CNH", ["Bình Dương Textiles"]),          # upper case with accents
    ("q=%C4%91ong+nai", ["Đồng Nai Steel"]),           # đ typed for Đ
    ("q=hanb", ["Hanbit Chips"]),                      # part of a word
    ("q=ip-26", ["Hanbit Chips", "Đồng Nai Steel", "Bình Dương Textiles"]),  # part of every reference
    ("q=ch", ["Hanbit Chips"]),                        # two letters: too short for a trigram, still found
    ("q=warehouse+port", ["Hanbit Chips"]),            # words of the message, in any order
    ("q=choi%40hanbit", ["Hanbit Chips"]),             # part of the e-mail
    ("q=0912+345+678", []),                            # phone digits are one word at a time
    ("q=0912345678", ["Hanbit Chips"]),                # the phone's digits
    ("q=%25", []),                                     # a % typed is a character, not a wildcard
    ("q=%E5%8D%8A%E5%B0%8E%E4%BD%93", ["Đồng Nai Steel"]),  # Japanese, as written
])
def test_search_finds_leads_whatever_the_accents_case_or_part_typed(staff_client, session, query, found):
    factories.lead("Hanbit Chips", name="Choi Min-ho", email="choi@hanbit.example", phone="+84 912 345 678",
                   message="A warehouse near the port")
    factories.lead("Đồng Nai Steel", message="半導体の工場")
    factories.lead("Bình Dương Textiles")
    session.commit()
    assert sorted(companies(staff_client, query)) == sorted(found)


def test_search_counts_its_pages_and_forgets_erased_contact_data(staff_client, session, manager):
    for number in range(30):
        factories.lead(f"Precision Works {number}")
    erased = factories.lead("Quiet Co", name="Nguyễn Thị Hoa")
    session.commit()
    assert "Precision Works" in staff_client.get("/staff/leads?q=precision&page=2").text
    assert companies(staff_client, "q=hoa") == ["Quiet Co"]

    erased.name = "Erased"
    session.commit()
    assert companies(staff_client, "q=hoa") == []


def test_an_officer_finds_a_colleagues_lead_by_company_but_not_by_its_contact_data(app, session):
    officer, colleague = factories.user(), factories.user()
    factories.lead("Lotus Foods", owner=colleague, email="secret@lotus.example")
    session.commit()
    client = logged_in_client(app, officer)
    assert companies(client, "q=lotus") == ["Lotus Foods"]
    assert companies(client, "q=secret") == []


def test_next_step_order_follows_tasks_added_done_moved_and_deleted(staff_client, session, manager):
    today = clock.today_in_vietnam()
    soon, later, idle = factories.lead("Soon Co"), factories.lead("Later Co"), factories.lead("Idle Co")
    session.commit()
    post(staff_client, f"/staff/leads/{soon.reference}/tasks", title="Call", due_date=(today + timedelta(days=1))
         .isoformat(), assignee=str(manager.id))
    post(staff_client, f"/staff/leads/{later.reference}/tasks", title="Visit", due_date=(today + timedelta(days=5))
         .isoformat(), assignee=str(manager.id))
    assert companies(staff_client, "sort=next_step") == ["Soon Co", "Later Co", "Idle Co"]

    call = session.scalars(select(Task).where(Task.title == "Call")).one()
    post(staff_client, f"/staff/tasks/{call.id}/done")
    assert companies(staff_client, "sort=next_step") == ["Later Co", "Idle Co", "Soon Co"]  # then newest first
    assert companies(staff_client, "no_next_step=y") == ["Idle Co", "Soon Co"]

    post(staff_client, f"/staff/leads/{idle.reference}/tasks", title="E-mail", due_date=today.isoformat(),
         assignee=str(manager.id))
    assert companies(staff_client, "sort=next_step") == ["Idle Co", "Later Co", "Soon Co"]

    session.delete(session.scalars(select(Task).where(Task.title == "E-mail")).one())
    visit = session.scalars(select(Task).where(Task.title == "Visit")).one()
    visit.lead = soon  # moved, as a merge moves tasks
    session.commit()
    assert companies(staff_client, "sort=next_step") == ["Soon Co", "Idle Co", "Later Co"]
    session.expire_all()
    assert (soon.next_due, later.next_due, idle.next_due) == (today + timedelta(days=5), None, None)


def test_next_due_is_kept_when_an_operation_adds_and_completes_a_task(session, manager):
    lead = factories.lead("Hanbit Chips")
    due = clock.today_in_vietnam() + timedelta(days=2)
    task = operations.add_task(lead, "Send the price list", due, manager, manager)
    assert lead.next_due == due
    operations.complete_task(task, manager)
    assert lead.next_due is None


def test_the_list_counts_up_to_its_limit_then_says_more_and_still_pages_on(app, staff_client, session, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_LIMIT", 30)
    now = clock.now()
    for number in range(60):
        factories.lead(f"Firm {number:02d}", received=now - timedelta(minutes=number))
    session.commit()

    first = staff_client.get("/staff/leads").text
    assert "More than 30 leads" in first and "60 leads" not in first
    assert 'rel="next"' in first and re.search(r'<li class="gap"[^>]*>…</li>\s*<li><a href="[^"]*page=2" rel="next"',
                                               first)
    assert companies(staff_client, "page=3") == [f"Firm {number}" for number in range(50, 60)]
    last = staff_client.get("/staff/leads?page=3").text
    assert 'rel="prev"' in last and 'rel="next"' not in last

    monkeypatch.setattr(queries, "COUNT_LIMIT", 60)
    assert "60 leads" in staff_client.get("/staff/leads").text


def test_the_capped_count_is_said_in_the_staff_members_language(app, session, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_LIMIT", 1)
    for number in range(2):
        factories.lead(f"Firm {number}")
    reader = factories.user(role="manager", language="vi")
    session.commit()
    client = logged_in_client(app, reader)
    assert "Hơn 1 khách hàng tiềm năng" in client.get("/staff/leads").text


@pytest.mark.parametrize(("lang", "chosen"), [("vi", ""), ("ko", "JP"), ("en", "VN")])
def test_the_list_filters_reused_country_menu_is_what_wtforms_writes(app, lang, chosen):
    from flask_babel import force_locale
    from werkzeug.datastructures import MultiDict
    from wtforms.widgets import Select

    from portal.leads.pipeline.forms import LeadFilterForm

    with app.test_request_context("/staff/leads"), force_locale(lang):
        form = LeadFilterForm(MultiDict({"country": chosen} if chosen else {}), [], [], [], [], [], lang)
        form.filters()
        assert str(form.country()) == str(Select()(form.country))
        assert f'<option selected value="{chosen}">' in str(form.country())


@pytest.mark.parametrize("query", ["q=hanbit", "q=hanbit&sort=next_step", "q=hanbit&sort=priority",
                                   "q=hanbit&page=2", "q=hanbit+chips", "q=hanbit&status=all"])
def test_a_common_words_leads_are_the_same_in_the_same_order_when_read_in_the_lists_order(
        app, session, monkeypatch, count_queries, query):
    """Past the count's limit the search reads the leads in the list's order (``common_words``):
    the same leads, in the same order, as when the words are rare."""
    officer, colleague = factories.user(), factories.user()
    now, today = clock.now(), clock.today_in_vietnam()
    for number in range(40):
        lead = factories.lead(f"Hanbit {'Chips' if number % 3 else 'Steel'} {number}" if number % 4 else "Lotus",
                              email=f"buyer{number}@hanbit.example", owner=(officer, colleague, None)[number % 3],
                              received=now - timedelta(hours=number * 7 % 13, minutes=number),
                              priority_score=number * 37 % 100)
        if number % 5 == 0:
            operations.add_task(lead, "Call", today + timedelta(days=number % 3), officer, officer)
    factories.lead("Sakura Precision")
    session.commit()
    client = logged_in_client(app, officer)

    rare = companies(client, query)
    monkeypatch.setattr(queries, "COUNT_LIMIT", 3)
    with count_queries() as counter:
        common = companies(client, query)
    assert common == rare and len(rare) >= 10
    read_in_order = "leads.id + " if session.get_bind().dialect.name == "sqlite" else "strpos("
    assert any(read_in_order in statement for statement in counter.statements)


def test_a_search_that_finds_nothing_is_not_run_twice(staff_client, session, count_queries):
    factories.lead("Hanbit Chips")
    session.commit()
    with count_queries() as counter:
        html = staff_client.get("/staff/leads?q=precision+logistics").text
    assert "No lead matches these filters." in html and "0 leads" in html
    assert len([statement for statement in counter.statements if "FROM leads" in statement]) == 1
    assert companies(staff_client, "q=hanbit&page=2") == [] and companies(staff_client, "q=hanbit") == ["Hanbit Chips"]
