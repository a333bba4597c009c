"""What a visitor's submission, a member of staff's work on a lead and the mail worker run must not
read a whole table that grows with the pipeline: each costs a few milliseconds with a hundred leads and hundreds with a hundred thousand,
which no test with a handful of rows notices by its speed. SQLite once walked every open lead for each
inquiry, choosing the status index over the address's. The plans are read from the database itself
(``EXPLAIN``); on PostgreSQL, whose planner rightly scans a test's few rows, scans are ruled out, so a
scan left in the plan means that no index fits the statement."""
from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event, select

from portal import clock
from portal.extensions import db
from portal.leads.models import Stage, Task
from portal.outbox import send_due
from tests import factories
from tests.forms import inquiry, referral, submit, visit
from tests.staff import csrf_token

#: Tables that stay small whatever the pipeline: the catalogue, the staff and the settings, and the
#: reports' tokens (three rows a month at most). Every other table grows with the leads.
SMALL = {"events", "exchange_rates", "holidays", "industrial_parks", "investment_projects", "key_figures",
         "locations", "lost_reasons", "park_target_sectors", "park_texts", "project_texts", "referrers",
         "reply_templates", "report_data_version", "report_month_version", "sectors", "slug_redirects", "stages",
         "tags", "users"}


@contextmanager
def statements_run():
    seen: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, executemany):
        if not executemany and re.match(r"\s*(SELECT|UPDATE|DELETE|WITH)", statement):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)


def plan(statement: str, parameters) -> str:
    connection = db.session.connection().connection.dbapi_connection
    cursor = connection.cursor()
    try:
        if db.engine.dialect.name == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + statement, parameters)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())
    finally:
        cursor.close()
        db.session.rollback()


#: Columns that a large share of a growing table's rows have in common: an index searched on these
#: alone reads that share (every open lead), as a scan would.
WIDE = {"leads": {"status", "stage_id", "source", "country", "preferred_language"}}


def whole_table_reads(seen) -> list[str]:
    found = []
    for statement, parameters in seen:
        text = plan(statement, parameters)
        tables = set(re.findall(r"(?:\bSCAN|Seq Scan on) (\w+)", text))
        for table, keys in re.findall(r"\bSEARCH (\w+) USING .*?\((.*)\)", text):  # SQLite
            if set(re.findall(r"(\w+)\s*[=<>]", keys)) <= WIDE.get(table, set()):
                tables.add(table)
        found += [f"{table}: {statement}\n{text}" for table in sorted(tables - SMALL)]
    return found


def test_an_inquiry_from_a_new_address_reads_no_whole_table_that_grows(client, session, catalogue):
    factories.lead(email="someone.else@example.com")
    session.commit()
    with statements_run() as seen:
        assert submit(client, "/en/inquire", inquiry()).status_code == 302

    assert whole_table_reads(seen) == []


def test_a_second_message_from_the_same_address_reads_no_whole_table_that_grows(client, session, catalogue):
    submit(client, "/en/inquire", inquiry())
    with statements_run() as seen:
        assert submit(client, "/ja/visit", visit(email="MinJun.Kim@Hanbit.example")).status_code == 302

    assert whole_table_reads(seen) == []


def test_a_referral_reads_no_whole_table_that_grows(client, session, catalogue):
    with statements_run() as seen:
        assert submit(client, "/ko/refer", referral()).status_code == 302

    assert whole_table_reads(seen) == []


def test_sending_the_outbox_reads_no_whole_table_that_grows(client, session, catalogue):
    submit(client, "/en/inquire", inquiry())
    submit(client, "/en/refer", referral())
    with statements_run() as seen:
        assert send_due().sent >= 2

    assert whole_table_reads(seen) == []


def test_a_lead_worked_on_by_staff_reads_no_whole_table_that_grows(staff_client, session, manager):
    """A call logged, a move, an assignment, a task set and done: each also keeps the lead's stored
    facts, its search text and the reports' tokens."""
    officer = factories.user(name="Phạm Thu Hà")
    lead = factories.lead("Sakura Precision")
    session.commit()
    page = f"/staff/leads/{lead.reference}"
    contacted = session.scalars(select(Stage.id).where(Stage.code == "contacted")).one()
    token = csrf_token(staff_client)  # the pages staff see are not what is checked here, their actions are

    def act(url: str, **data) -> None:
        assert staff_client.post(url, data={"csrf_token": token, **data}).status_code == 302, url

    with statements_run() as seen:
        act(f"{page}/activities", kind="call", body="Called Mr Tanaka about 5 ha.")
        act(f"{page}/stage", stage=str(contacted))
        act(f"{page}/assign", owner=str(officer.id))
        act(f"{page}/tasks", title="Send the land price list", assignee=str(officer.id),
            due_date=clock.today_in_vietnam().isoformat())
        task = session.scalars(select(Task).where(Task.lead_id == lead.id,
                                                  Task.title == "Send the land price list")).one()
        act(f"/staff/tasks/{task.id}/done", back="/staff/")

    assert whole_table_reads(seen) == []
