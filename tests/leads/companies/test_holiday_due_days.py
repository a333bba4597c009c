"""A company's stored next-contact due day follows the public holidays: an administrator adding a
holiday on the due day moves it to the next working day, removing it moves it back, and
``flask reports refresh`` repairs due days after holidays or companies written around the session."""
from datetime import date

import pytest
from sqlalchemy import insert, select, update

from portal.leads.companies import operations
from portal.leads.models import Company, Holiday
from tests import factories
from tests.staff import post

TODAY = date(2026, 12, 7)  # a Monday
#: US$20 million registered: a contact every 12 months (AFTERCARE_VISIT_RHYTHM's default).
YEARLY = [{"registered_capital_usd": 20_000_000}]


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("portal.clock.today_in_vietnam", lambda: TODAY)


def company_seen_on(session, name: str, last_contact: date) -> Company:
    company = factories.company(name, last_contact_on=last_contact, projects=YEARLY)
    operations.refresh_visit_due(company)
    session.commit()
    return company


def due_days(session) -> dict[str, date]:
    session.expire_all()
    return {name: due for name, due in session.execute(select(Company.name, Company.visit_due_on))}


def test_a_holiday_added_on_the_due_day_moves_it_and_removing_it_moves_it_back(session, admin_client):
    company_seen_on(session, "Due Wednesday", date(2025, 12, 9))   # due Wed 9 Dec 2026
    company_seen_on(session, "Due Thursday", date(2025, 12, 10))   # due Thu 10 Dec 2026
    company_seen_on(session, "Due Friday", date(2025, 12, 11))     # due Fri 11 Dec 2026
    company_seen_on(session, "Due Saturday", date(2025, 12, 12))   # a Saturday: due Mon 14 Dec 2026
    company_seen_on(session, "Due Tuesday", date(2025, 12, 8))     # due Tue 8 Dec 2026
    before = {"Due Wednesday": date(2026, 12, 9), "Due Thursday": date(2026, 12, 10),
              "Due Friday": date(2026, 12, 11), "Due Saturday": date(2026, 12, 14), "Due Tuesday": date(2026, 12, 8)}
    assert due_days(session) == before

    assert post(admin_client, "/staff/holidays", day="2026-12-09", name="A day off").status_code == 302
    assert due_days(session) == {**before, "Due Wednesday": date(2026, 12, 10)}

    # On a Friday, the due day runs over the weekend to Monday; and a Saturday's Monday to Tuesday
    assert post(admin_client, "/staff/holidays", day="2026-12-11", name="Another").status_code == 302
    assert post(admin_client, "/staff/holidays", day="2026-12-14", name="And Monday").status_code == 302
    assert due_days(session) == {**before, "Due Wednesday": date(2026, 12, 10), "Due Friday": date(2026, 12, 15),
                                 "Due Saturday": date(2026, 12, 15)}

    for day in (date(2026, 12, 9), date(2026, 12, 14)):
        holiday = session.scalars(select(Holiday).where(Holiday.day == day)).one()
        assert post(admin_client, f"/staff/holidays/{holiday.id}/delete").status_code == 302
    assert due_days(session) == {**before, "Due Friday": date(2026, 12, 14)}
    holiday = session.scalars(select(Holiday)).one()
    assert post(admin_client, f"/staff/holidays/{holiday.id}/delete").status_code == 302
    assert due_days(session) == before


def test_the_early_warning_follows_the_moved_due_day(session, admin_client, monkeypatch):
    company_seen_on(session, "Due Monday", date(2025, 12, 7))  # due Mon 7 Dec 2026, today: not yet overdue
    monkeypatch.setattr("portal.clock.today_in_vietnam", lambda: date(2026, 12, 8))
    assert "Due Monday" in admin_client.get("/staff/companies?warning=no_recent_contact").text
    assert post(admin_client, "/staff/holidays", day="2026-12-07", name="A day off").status_code == 302
    assert due_days(session)["Due Monday"] == date(2026, 12, 8)
    assert "Due Monday" not in admin_client.get("/staff/companies?warning=no_recent_contact").text


def test_reports_refresh_repairs_due_days_after_writes_around_the_session(session, runner):
    company_seen_on(session, "Due Wednesday", date(2025, 12, 9))
    company_seen_on(session, "Due Thursday", date(2025, 12, 10))
    session.execute(insert(Holiday).values(day=date(2026, 12, 9), name="Imported"))
    session.execute(update(Company).where(Company.name == "Due Thursday").values(visit_due_on=date(2030, 1, 1)))
    session.commit()

    result = runner.invoke(args=["reports", "refresh"])
    assert result.exit_code == 0, result.output
    assert "2 companies' next contact due day moved" in result.output
    assert due_days(session) == {"Due Wednesday": date(2026, 12, 10), "Due Thursday": date(2026, 12, 10)}
    assert "0 companies'" in runner.invoke(args=["reports", "refresh"]).output
