"""A holiday an administrator records later on an open issue's due day moves it to the next working
day (said in the issue's history, audited); removing the holiday moves it back, but never a due day
staff set since, nor a due day the holiday did not move."""
from datetime import date

import pytest
from sqlalchemy import delete, insert, select

from portal import audit
from portal.leads.models import Holiday, Issue
from tests import factories
from tests.staff import post

TODAY = date(2026, 12, 7)  # a Monday
WEDNESDAY, THURSDAY, FRIDAY, MONDAY, TUESDAY = (date(2026, 12, day) for day in (9, 10, 11, 14, 15))


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("portal.clock.today_in_vietnam", lambda: TODAY)


@pytest.fixture
def company(session):
    company = factories.company("Sakura Seiki", country="JP")
    session.commit()
    return company


def log_issue(client, company, subject: str, due: date | None) -> str:
    """An issue logged on the company's page with the due day typed (None: counted); its reference."""
    response = post(client, f"/staff/companies/{company.id}/issues", category="customs", agency="customs",
                    subject=subject, description="", owner="", due_on=due.isoformat() if due else "")
    assert response.status_code == 302, response.text
    return response.headers["Location"].rsplit("/", 1)[1]


def add_holiday(client, day: date) -> None:
    assert post(client, "/staff/holidays", day=day.isoformat(), name="Declared later").status_code == 302


def remove_holiday(client, session, day: date) -> None:
    holiday = session.scalars(select(Holiday).where(Holiday.day == day)).one()
    assert post(client, f"/staff/holidays/{holiday.id}/delete").status_code == 302


def due_days(session) -> dict[str, date]:
    session.expire_all()
    return dict(session.execute(select(Issue.subject, Issue.due_on)).all())


def history(client, reference: str) -> str:
    page = client.get(f"/staff/issues/{reference}").text
    return page[page.index('id="history-title"'):]


def test_a_wednesday_holiday_moves_the_issue_due_that_day_and_removing_it_moves_it_back(
        session, staff_client, admin_client, admin, company):
    wednesday = log_issue(staff_client, company, "Due Wednesday", WEDNESDAY)
    log_issue(staff_client, company, "Due Thursday", THURSDAY)
    counted = log_issue(staff_client, company, "Counted", None)  # ten working days after Monday 7th: Monday 21st
    before = {"Due Wednesday": WEDNESDAY, "Due Thursday": THURSDAY, "Counted": date(2026, 12, 21)}
    assert due_days(session) == before

    add_holiday(admin_client, WEDNESDAY)
    add_holiday(admin_client, date(2026, 12, 21))
    assert due_days(session) == {"Due Wednesday": THURSDAY, "Due Thursday": THURSDAY, "Counted": date(2026, 12, 22)}
    said = history(staff_client, wednesday)
    assert ("Due day moved to 10 Dec 2026, the next working day: 9 Dec 2026 was recorded as a public holiday."
            in said), said
    assert f"({admin.name})" in said
    issue = session.scalars(select(Issue).where(Issue.reference == wednesday)).one()
    [(entry, who)] = [(entry, who) for entry, who in audit.history("issue", issue.id) if entry.action == "holiday"]
    assert (entry.changes, who) == ({"due_on": ["2026-12-09", "2026-12-10"]}, admin.name)
    assert "moved" in history(staff_client, counted)

    remove_holiday(admin_client, session, WEDNESDAY)
    assert due_days(session) == {**before, "Counted": date(2026, 12, 22)}
    assert "Due day moved back from 10 Dec 2026 to 9 Dec 2026: a public holiday was removed." \
        in history(staff_client, wednesday)
    session.expire_all()
    assert issue.due_on_before_holiday is None


def test_a_friday_holiday_runs_over_the_weekend_and_only_what_it_moved_comes_back(
        session, staff_client, admin_client, company):
    log_issue(staff_client, company, "Due Friday", FRIDAY)
    log_issue(staff_client, company, "Due Monday", MONDAY)

    add_holiday(admin_client, FRIDAY)
    assert due_days(session) == {"Due Friday": MONDAY, "Due Monday": MONDAY}
    add_holiday(admin_client, MONDAY)  # both are due that Monday now: both move on to Tuesday
    assert due_days(session) == {"Due Friday": TUESDAY, "Due Monday": TUESDAY}

    remove_holiday(admin_client, session, FRIDAY)  # the Friday comes back; the Monday's day was never the Friday
    assert due_days(session) == {"Due Friday": FRIDAY, "Due Monday": TUESDAY}
    remove_holiday(admin_client, session, MONDAY)
    assert due_days(session) == {"Due Friday": FRIDAY, "Due Monday": MONDAY}


def test_removing_a_holiday_keeps_a_due_day_staff_set_since_and_a_finished_issue_never_moves(
        session, staff_client, admin_client, company):
    corrected = log_issue(staff_client, company, "Corrected", WEDNESDAY)
    resolved = log_issue(staff_client, company, "Resolved", WEDNESDAY)
    assert post(staff_client, f"/staff/issues/{resolved}/status", status="resolved", note="Cleared").status_code == 302

    add_holiday(admin_client, WEDNESDAY)
    assert due_days(session) == {"Corrected": THURSDAY, "Resolved": WEDNESDAY}
    assert "moved" not in history(staff_client, resolved)

    response = post(staff_client, f"/staff/issues/{corrected}/edit", category="customs", agency="customs",
                    subject="Corrected", description="", owner="", due_on=FRIDAY.isoformat(),
                    company=str(company.id))
    assert response.status_code == 302
    remove_holiday(admin_client, session, WEDNESDAY)
    assert due_days(session) == {"Corrected": FRIDAY, "Resolved": WEDNESDAY}
    assert "moved back" not in history(staff_client, corrected)


def test_a_holiday_on_a_weekend_or_another_day_moves_no_issue(session, staff_client, admin_client, company):
    log_issue(staff_client, company, "Due Thursday", THURSDAY)
    add_holiday(admin_client, date(2026, 12, 12))  # a Saturday
    add_holiday(admin_client, WEDNESDAY)
    remove_holiday(admin_client, session, WEDNESDAY)
    assert due_days(session) == {"Due Thursday": THURSDAY}
    reference = session.scalars(select(Issue.reference)).one()
    assert "Due day moved" not in history(staff_client, reference)


def test_reports_refresh_moves_due_days_after_holidays_written_around_the_session(
        session, staff_client, runner, company):
    reference = log_issue(staff_client, company, "Due Wednesday", WEDNESDAY)
    log_issue(staff_client, company, "Due Thursday", THURSDAY)
    session.execute(insert(Holiday).values(day=WEDNESDAY, name="Imported"))
    session.commit()

    result = runner.invoke(args=["reports", "refresh"])
    assert result.exit_code == 0, result.output
    assert "1 issues' due day moved" in result.output
    assert due_days(session) == {"Due Wednesday": THURSDAY, "Due Thursday": THURSDAY}
    assert "(System)" in history(staff_client, reference).split("Due day moved to")[0].rsplit("<li>", 1)[1]
    assert "0 issues' due day moved" in runner.invoke(args=["reports", "refresh"]).output

    session.execute(delete(Holiday))
    session.commit()
    assert "1 issues' due day moved" in runner.invoke(args=["reports", "refresh"]).output
    assert due_days(session) == {"Due Wednesday": WEDNESDAY, "Due Thursday": THURSDAY}
