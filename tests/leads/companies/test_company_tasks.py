"""A visit's follow-ups are tasks of the company: added with the visit (or on their own with "Add a
task") on a working day, listed on the company's page, done with a button, on the assignee's today
page and in their morning reminder; the follow-up texts visits had before become such tasks."""
from datetime import date, datetime, timedelta, timezone

import pytest
from flask_migrate import upgrade
from sqlalchemy import Boolean, Date, DateTime, Integer, MetaData, Numeric, Table, select

from portal import audit, clock
from portal.clock import VIETNAM
from portal.extensions import db
from portal.leads.models import Company, Holiday, Task, Visit
from portal.leads.reminders import digest_for, send_daily_digests
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.conftest import logged_in_client, make_app, temporary_database
from tests.staff import post

TODAY = date(2026, 12, 7)  # a Monday


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("portal.clock.today_in_vietnam", lambda: TODAY)


def visit_with(client, company, *rows, summary="Power supply in the dry season", visited_on="2026-12-04"):
    """Log a visit with follow-up rows (title, due day, assignee or None), as the page's form sends them."""
    data = {"visited_on": visited_on, "kind": "visit", "attendees": "Trần Văn Minh", "summary": summary}
    for number, (title, due, assignee) in enumerate(rows):
        data |= {f"tasks-{number}-title": title, f"tasks-{number}-due_date": due,
                 f"tasks-{number}-assignee": str(assignee.id) if assignee else ""}
    return post(client, f"/staff/companies/{company.id}/visits", **data)


def test_a_visit_adds_its_follow_ups_for_the_account_officer_by_default(app, session, manager):
    officer = factories.user(name="Lê Hoàng Anh")
    company = factories.company("Hanbit Precision Vina", owner=officer)
    session.commit()
    client = logged_in_client(app, officer)
    # an officer's company: its follow-ups go to its officer (chosen) or a manager, nobody else
    colleague = factories.user(name="Someone Else")
    session.commit()
    form = client.get(f"/staff/companies/{company.id}").text
    choices = form[form.index('id="tasks-0-assignee"'):]
    choices = choices[:choices.index("</select>")]
    assert f'<option selected value="{officer.id}">Lê Hoàng Anh</option>' in choices
    assert "Trần Văn Minh" in choices and "Someone Else" not in choices

    response = visit_with(client, company, ("Introduce the technical college", "2026-12-14", officer),
                          ("", "", officer), ("Ask EVN about the dry season", "2026-12-21", manager))
    assert response.status_code == 302
    tasks = session.scalars(select(Task).order_by(Task.id)).all()
    assert [(task.title, task.due_date, task.assignee_id, task.company_id, task.lead_id) for task in tasks] == [
        ("Introduce the technical college", date(2026, 12, 14), officer.id, company.id, None),
        ("Ask EVN about the dry season", date(2026, 12, 21), manager.id, company.id, None)]
    [visit] = session.scalars(select(Visit)).all()
    assert {task.visit_id for task in tasks} == {visit.id}
    page = client.get(f"/staff/companies/{company.id}").text
    section = page[page.index('id="tasks-title"'):page.index('id="visits-title"')]
    assert "Introduce the technical college" in section and "Ask EVN about the dry season" in section
    assert "Mark done: Introduce the technical college" in section
    visits = page[page.index('id="visits-title"'):]
    assert "Follow-up: Introduce the technical college" in visits  # under the visit that promised it
    assert post(client, f"/staff/companies/{company.id}/visits", visited_on="2026-12-04", kind="call", summary="x",
                **{"tasks-0-title": "Not theirs", "tasks-0-due_date": "2026-12-14",
                   "tasks-0-assignee": str(colleague.id)}).status_code == 400


@pytest.mark.parametrize("due, why", [("2026-12-12", "a Saturday"), ("2026-12-13", "a Sunday"),
                                      ("2026-12-15", "a public holiday")])
def test_a_follow_up_due_on_a_day_off_is_refused_beside_the_field_and_nothing_is_saved(session, staff_client,
                                                                                       manager, due, why):
    company = factories.company("Pou Chen Vietnam")
    session.add(Holiday(day=date(2026, 12, 15), name="A day off"))
    session.commit()
    response = visit_with(staff_client, company, ("Send the customs contact", due, manager),
                          summary="Held at customs for a week")
    assert response.status_code == 400, why
    page = response.text
    field = page[page.index('id="tasks-0-due_date"'):]
    assert field.index("Choose a working day: not a Saturday, a Sunday or a public holiday.") \
        < field.index('id="tasks-1-title"')
    assert 'value="Send the customs contact"' in page and "Held at customs for a week" in page
    assert f'value="{due}"' in page
    assert session.scalars(select(Task)).all() == [] and session.scalars(select(Visit)).all() == []
    session.refresh(company)
    assert company.last_contact_on is None


def test_a_follow_up_needs_its_title_and_its_day(session, staff_client, manager):
    company = factories.company("Nidec Vietnam")
    session.commit()
    response = visit_with(staff_client, company, ("", "2026-12-14", manager), ("Call back", "", manager))
    assert response.status_code == 400
    assert "Say what the follow-up is." in response.text and "Please choose a date." in response.text
    assert session.scalars(select(Task)).all() == []


def add_task(client, company, title="Send the updated land-lease quote", due="2026-12-10", assignee=None):
    """The company page's "Add a task" form, as the page sends it."""
    return post(client, f"/staff/companies/{company.id}/tasks", **{
        "new_task-title": title, "new_task-due_date": due,
        "new_task-assignee": str(assignee.id) if assignee else ""})


def test_a_task_is_added_on_its_own_for_a_colleague_and_shows_at_once(app, session, manager):
    officer = factories.user(name="Lê Hoàng Anh")
    company = factories.company("Hanbit Precision Vina", owner=officer)
    session.commit()
    client = logged_in_client(app, officer)
    page = client.get(f"/staff/companies/{company.id}").text
    choices = page[page.index('id="new_task-assignee"'):]
    choices = choices[:choices.index("</select>")]
    assert f'<option selected value="{officer.id}">Lê Hoàng Anh</option>' in choices  # the account officer
    assert "Trần Văn Minh" in choices

    response = add_task(client, company, due="2026-12-10", assignee=manager)  # Thursday, for a manager
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/companies/{company.id}#tasks"
    task = session.scalars(select(Task)).one()
    assert (task.title, task.due_date, task.assignee_id, task.company_id, task.visit_id, task.created_by_id) == \
        ("Send the updated land-lease quote", date(2026, 12, 10), manager.id, company.id, None, officer.id)
    [(entry, who)] = audit.history("task", task.id)
    assert (entry.action, who, entry.changes["due_date"], entry.changes["company_id"]) == \
        ("create", "Lê Hoàng Anh", [None, "2026-12-10"], [None, company.id])
    page = client.get(f"/staff/companies/{company.id}").text
    section = page[page.index('id="tasks-title"'):page.index('id="visits-title"')]
    assert "Send the updated land-lease quote" in section and "Trần Văn Minh" in section
    assert "Mark done: Send the updated land-lease quote" in section
    assert session.scalars(select(Visit)).all() == []
    session.refresh(company)
    assert company.last_contact_on is None  # a task is no contact with the company


def test_an_added_task_is_on_the_assignees_today_page_and_morning_reminder(app, session, monkeypatch):
    officer = factories.user(name="Lê Hoàng Anh", email="anh@centre.example")
    company = factories.company("Daiwa Jushi Kogyo Vietnam", owner=officer)
    session.commit()
    client = logged_in_client(app, officer)
    assert add_task(client, company, title="Call the plant manager", due="2026-12-07",
                    assignee=officer).status_code == 302
    page = client.get("/staff/").text
    tasks = page[page.index('id="tasks-title"'):page.index('id="overdue-title"')]
    assert "Call the plant manager" in tasks and "Daiwa Jushi Kogyo Vietnam" in tasks
    assert [task.title for task in digest_for(officer, TODAY).tasks] == ["Call the plant manager"]


@pytest.mark.parametrize("due, why", [("2026-12-12", "a Saturday"), ("2026-12-13", "a Sunday"),
                                      ("2026-12-15", "a public holiday")])
def test_an_added_task_due_on_a_day_off_is_refused_beside_the_field_and_kept(session, staff_client, manager,
                                                                             due, why):
    company = factories.company("Pou Chen Vietnam")
    session.add(Holiday(day=date(2026, 12, 15), name="A day off"))
    session.commit()
    response = add_task(staff_client, company, title="Send the customs contact", due=due, assignee=manager)
    assert response.status_code == 400, why
    page = response.text
    assert '<p class="field-error" id="new_task-due_date-error">Choose a working day: not a Saturday, a Sunday ' \
           'or a public holiday.</p>' in page
    assert 'value="Send the customs contact"' in page and f'value="{due}"' in page
    assert "<details open><summary>Add a task</summary>" in page
    assert session.scalars(select(Task)).all() == []


def test_an_added_task_needs_its_title_its_day_and_someone_who_may_work_on_the_company(app, session, manager):
    officer, colleague = factories.user(name="Me"), factories.user(name="Colleague")
    company = factories.company("Nidec Vietnam", owner=officer)
    session.commit()
    client = logged_in_client(app, officer)
    response = add_task(client, company, title="", due="", assignee=officer)
    assert response.status_code == 400
    assert 'id="new_task-title-error">Say what the follow-up is.' in response.text
    assert 'id="new_task-due_date-error">Please choose a date.' in response.text
    response = add_task(client, company, title="Not theirs", assignee=colleague)
    assert response.status_code == 400
    assert 'id="new_task-assignee-error">Choose who does it.' in response.text
    assert session.scalars(select(Task)).all() == []


def test_adding_a_task_follows_the_company_rules_and_needs_the_csrf_token(app, session):
    me, colleague = factories.user(name="Me"), factories.user(name="Colleague")
    theirs = factories.company("Theirs Co", owner=colleague)
    free = factories.company("Free Co")
    session.commit()
    client = logged_in_client(app, me)
    assert client.post(f"/staff/companies/{free.id}/tasks", data={
        "new_task-title": "Call", "new_task-due_date": "2026-12-10",
        "new_task-assignee": str(me.id)}).status_code == 400  # no CSRF token
    assert add_task(client, theirs, assignee=me).status_code == 403
    assert add_task(client, free, assignee=colleague).status_code == 302  # a free company: anyone may work on it
    assert post(client, "/staff/companies/999999/tasks").status_code == 404
    assert [(task.company_id, task.assignee_id) for task in session.scalars(select(Task))] == [(free.id, colleague.id)]


def company_task(company, title, due, assignee, **fields) -> Task:
    task = Task(company_id=company.id, title=title, due_date=due, assignee_id=assignee.id, **fields)
    db.session.add(task)
    return task


def test_done_follows_the_company_rules_and_needs_the_csrf_token(app, session, manager):
    me, colleague = factories.user(name="Me"), factories.user(name="Colleague")
    mine = factories.company("Mine Co", owner=me)
    theirs = factories.company("Theirs Co", owner=colleague)
    free = factories.company("Free Co")
    on_mine = company_task(mine, "Send the incentive guide", TODAY, me)
    on_theirs = company_task(theirs, "Call the plant manager", TODAY, colleague)
    given_to_me = company_task(theirs, "Bring the permit papers", TODAY, me)
    on_free = company_task(free, "Visit the new line", TODAY, colleague)
    session.commit()
    client = logged_in_client(app, me)

    assert client.post(f"/staff/companies/{mine.id}/tasks/{on_mine.id}/done").status_code == 400  # no CSRF token
    assert post(client, f"/staff/companies/{theirs.id}/tasks/{on_theirs.id}/done").status_code == 403
    assert post(client, f"/staff/companies/{mine.id}/tasks/{on_theirs.id}/done").status_code == 404
    assert post(client, f"/staff/tasks/{on_mine.id}/done").status_code == 404  # a lead's route, not a company's
    response = post(client, f"/staff/companies/{mine.id}/tasks/{on_mine.id}/done")
    assert response.headers["Location"] == f"/staff/companies/{mine.id}#tasks"
    assert post(client, f"/staff/companies/{theirs.id}/tasks/{given_to_me.id}/done").status_code == 302  # its assignee
    assert post(client, f"/staff/companies/{free.id}/tasks/{on_free.id}/done").status_code == 302
    session.expire_all()
    assert [task.done_at is not None for task in (on_mine, on_theirs, given_to_me, on_free)] == [True, False, True, True]
    page = client.get(f"/staff/companies/{mine.id}").text
    done = page[page.index('id="tasks-title"'):page.index('id="visits-title"')]
    assert "No open follow-up task." in done and "Send the incentive guide" in done and "done on" in done
    manager_client = logged_in_client(app, manager)
    assert post(manager_client, f"/staff/companies/{theirs.id}/tasks/{on_theirs.id}/done").status_code == 302


def test_the_today_page_lists_company_tasks_beside_lead_tasks(app, session):
    officer = factories.user(name="Lê Hoàng Anh")
    company = factories.company("Daiwa Jushi Kogyo Vietnam", owner=officer)
    lead = factories.lead("Sakura Seiki", owner=officer)
    lead.tasks.append(Task(title="Send the land price list", due_date=TODAY, assignee_id=officer.id))
    late = company_task(company, "Send the incentive guide in Japanese", TODAY - timedelta(days=3), officer)
    company_task(company, "Next month's call", TODAY + timedelta(days=30), officer)
    session.commit()
    client = logged_in_client(app, officer)
    page = client.get("/staff/").text
    tasks = page[page.index('id="tasks-title"'):page.index('id="overdue-title"')]
    assert "Send the land price list" in tasks and "Send the incentive guide in Japanese" in tasks
    assert "Next month's call" not in tasks
    [item] = [item for item in tasks.split("<li")[1:] if f"/staff/companies/{company.id}/tasks/{late.id}/done" in item]
    assert 'class="late"' in item and f'href="/staff/companies/{company.id}#tasks"' in item
    assert "Daiwa Jushi Kogyo Vietnam" in item and "was due" in item
    response = post(client, f"/staff/companies/{company.id}/tasks/{late.id}/done", back="/staff/")
    assert response.headers["Location"] == "/staff/"
    assert "Send the incentive guide in Japanese" not in client.get("/staff/").text
    session.refresh(lead)
    assert lead.next_due == TODAY  # a company's task is no step of any lead


def test_the_morning_reminder_names_the_company_and_links_to_its_page(app, session, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", "https://invest.example.vn")
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 7, 7, 30, tzinfo=VIETNAM).astimezone(timezone.utc))
    kim = factories.user(email="kim@centre.example", language="ko", name="Kim")
    company = factories.company("한빛정밀 비나", owner=kim)
    company_task(company, "기술대학 소개하기", TODAY - timedelta(days=1), kim)
    company_task(company, "Later", TODAY + timedelta(days=2), kim)
    company_task(company, "Already done", TODAY, kim, done_at=clock.now())
    session.commit()
    assert [task.title for task in digest_for(kim, TODAY).tasks] == ["기술대학 소개하기"]
    assert send_daily_digests() == 1
    body = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "daily_digest")).one().body
    assert "기술대학 소개하기" in body and "한빛정밀 비나" in body
    assert f"https://invest.example.vn/staff/companies/{company.id}#tasks" in body
    assert "Later" not in body and "Already done" not in body


def test_the_company_page_and_the_today_page_stay_bounded_with_many_tasks(app, session, manager, staff_client,
                                                                           count_queries):
    def add(count: int) -> Company:
        company = factories.company(f"Co {count}", owner=manager)
        for n in range(count):
            visit = Visit(company_id=company.id, visited_on=date(2026, 11, 1), summary="Talked", user_id=manager.id)
            session.add(visit)
            session.flush()
            company_task(company, f"Company task {n}", TODAY - timedelta(days=n % 3), manager, visit_id=visit.id,
                         done_at=clock.now() if n % 2 else None)
            lead = factories.lead(f"Lead {count}-{n}")
            lead.tasks.append(Task(title=f"Lead task {n}", due_date=TODAY, assignee_id=manager.id))
        session.commit()
        return company

    def counts(company) -> tuple[int, int]:
        found = []
        for url in (f"/staff/companies/{company.id}", "/staff/"):
            with count_queries() as counter:
                assert staff_client.get(url).status_code == 200
            found.append(counter.count)
        return tuple(found)

    few = counts(add(2))
    many = counts(add(30))
    assert many == few, (few, many)


def row(table: Table, **values) -> int:
    """A row with the columns ``table`` has at this revision: the given values, plain ones for the rest."""
    for column in table.columns:
        if column.name in values or column.primary_key or column.nullable or column.server_default is not None:
            continue
        if isinstance(column.type, DateTime):
            values[column.name] = clock.now()
        elif isinstance(column.type, Date):
            values[column.name] = TODAY
        elif isinstance(column.type, Boolean):
            values[column.name] = False
        elif isinstance(column.type, (Integer, Numeric)):
            values[column.name] = 0
        else:
            values[column.name] = "x"
    return db.session.execute(table.insert().values(**values).returning(table.c.id)).scalar_one()


def test_the_migration_turns_each_visits_follow_up_into_a_task_of_its_company(tmp_path):
    long_text = "Write to the customs department about the green lane for chemicals " * 5
    with temporary_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            upgrade(revision="b3d8f1a6c2e9")  # visits kept their follow-up as text
            meta = MetaData()
            users, companies, visits = (Table(name, meta, autoload_with=db.session.connection())
                                        for name in ("users", "companies", "company_visits"))
            author = row(users, email="author@centre.example", name="Author", active=True)
            gone = row(users, email="gone@centre.example", name="Gone", active=False)
            officer = row(users, email="officer@centre.example", name="Officer", active=True)
            owned = row(companies, name="Owned Co", owner_id=officer)
            free = row(companies, name="Free Co", owner_id=None)
            by_author = row(visits, company_id=owned, visited_on=date(2026, 11, 2), summary="Met", user_id=author,
                            follow_up="Ask EVN", follow_up_due=date(2026, 11, 20))
            by_gone = row(visits, company_id=owned, visited_on=date(2026, 11, 3), summary="Called", user_id=gone,
                          follow_up=long_text.strip(), follow_up_due=None)
            nobody = row(visits, company_id=free, visited_on=date(2026, 11, 4), summary="Lunch", user_id=gone,
                         follow_up="Send the brochure", follow_up_due=date(2026, 11, 30))
            row(visits, company_id=free, visited_on=date(2026, 11, 5), summary="Nothing promised", user_id=author,
                follow_up="", follow_up_due=None)
            db.session.commit()

            upgrade()
            tasks = {task.visit_id: task for task in db.session.scalars(select(Task))}
            assert set(tasks) == {by_author, by_gone}
            ask = tasks[by_author]
            assert (ask.title, ask.due_date, ask.assignee_id, ask.company_id, ask.lead_id, ask.done_at) == \
                ("Ask EVN", date(2026, 11, 20), author, owned, None, None)
            longest = tasks[by_gone]  # its author has left: the account officer; no day typed: the visit's day
            assert (longest.assignee_id, longest.due_date, len(longest.title)) == (officer, date(2026, 11, 3), 200)
            summaries = {visit.id: visit.summary for visit in db.session.scalars(select(Visit))}
            assert summaries[by_author] == "Met"
            assert summaries[by_gone].endswith(long_text.strip())  # the whole text, not only the title's part
            assert summaries[nobody] == "Lunch\n\nFollow-up: Send the brochure (2026-11-30)"
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("owners", ["neither", "both"])
def test_a_task_belongs_to_a_lead_or_to_a_company_never_both_nor_neither(session, manager, owners):
    from sqlalchemy.exc import IntegrityError

    company, lead = factories.company("Either Co"), factories.lead("Or Lead")
    task = Task(title="Call", due_date=TODAY, assignee_id=manager.id, lead_id=lead.id if owners == "both" else None,
                company_id=company.id if owners == "both" else None)
    session.add(task)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_a_refused_visit_shows_the_add_a_task_form_as_it_was_with_the_account_officer(app, session):
    officer = factories.user(name="Lê Hoàng Anh")
    company = factories.company("Hanbit Precision Vina", owner=officer)
    session.commit()
    client = logged_in_client(app, officer)
    response = visit_with(client, company, summary="")
    assert response.status_code == 400
    page = response.text
    assert "<details><summary>Add a task</summary>" in page  # closed: the visit was refused, not the task
    choices = page[page.index('id="new_task-assignee"'):]
    assert f'<option selected value="{officer.id}">Lê Hoàng Anh</option>' in choices[:choices.index("</select>")]
