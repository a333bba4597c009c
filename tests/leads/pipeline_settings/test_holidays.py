"""Public holidays stop the first-response clock: Tết must not make every lead overdue."""
from datetime import date, datetime, timezone

from sqlalchemy import select

from portal import clock
from portal.audit import AuditEntry
from portal.clock import VIETNAM
from portal.leads.models import Holiday, Lead
from portal.leads.rules.deadlines import add_working_hours
from tests import factories
from tests.conftest import logged_in_client
from tests.staff import post

TET_2026 = [date(2026, 2, day) for day in range(14, 23)]  # Saturday 14 to Sunday 22 February


def vietnam(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VIETNAM)


def test_holidays_have_no_working_time():
    friday_before_tet = vietnam("2026-02-13 15:00")
    assert add_working_hours(friday_before_tet, 8, TET_2026).astimezone(VIETNAM) == vietnam("2026-02-23 15:00")
    assert add_working_hours(friday_before_tet, 8).astimezone(VIETNAM) == vietnam("2026-02-16 15:00")


def test_an_inquiry_before_tet_is_due_after_it(client, session, catalogue, monkeypatch):
    from tests.forms import inquiry, submit

    for day in TET_2026:
        session.add(Holiday(day=day, name="Tết Nguyên Đán"))
    session.commit()
    monkeypatch.setattr(clock, "now", lambda: vietnam("2026-02-13 15:00").astimezone(timezone.utc))
    submit(client, "/en/inquire", inquiry())
    lead = session.scalars(select(Lead)).one()
    assert clock.as_utc(lead.first_response_due).astimezone(VIETNAM) == vietnam("2026-02-23 15:00")


def test_administrators_add_a_holiday_and_waiting_leads_get_new_deadlines(app, session, admin_client):
    waiting = factories.lead("Waiting Co", received=vietnam("2026-04-29 10:00"))
    answered = factories.lead("Answered Co", received=vietnam("2026-04-29 10:00"))
    answered.first_responded_at = vietnam("2026-04-29 11:00")
    later = factories.lead("Later Co", received=vietnam("2026-05-04 09:00"))
    session.commit()
    before = {lead.id: lead.first_response_due for lead in (waiting, answered, later)}
    assert clock.as_utc(waiting.first_response_due).astimezone(VIETNAM) == vietnam("2026-04-30 10:00")

    response = post(admin_client, "/staff/holidays", day="2026-04-30", name="Reunification Day")
    assert response.status_code == 302
    assert "the open issues&#39; due days now count it" in admin_client.get(response.location).text
    session.expire_all()
    assert clock.as_utc(waiting.first_response_due).astimezone(VIETNAM) == vietnam("2026-05-01 10:00")
    assert answered.first_response_due == before[answered.id] and later.first_response_due == before[later.id]
    holiday = session.scalars(select(Holiday)).one()
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.entity == "holiday")) == "create"

    again = post(admin_client, "/staff/holidays", day="2026-04-30", name="Again")
    assert again.status_code == 400 and "already a holiday" in again.text and 'value="Again"' in again.text
    post(admin_client, f"/staff/holidays/{holiday.id}/delete")
    session.expire_all()
    assert clock.as_utc(waiting.first_response_due).astimezone(VIETNAM) == vietnam("2026-04-30 10:00")
    assert "No public holidays yet" in admin_client.get("/staff/holidays").text


def test_only_administrators_manage_holidays(app, session, staff_client):
    assert staff_client.get("/staff/holidays").status_code == 403
    officer = factories.user(role="officer")
    session.commit()
    assert post(logged_in_client(app, officer), "/staff/holidays", day="2026-09-02", name="X").status_code == 403
    assert session.scalars(select(Holiday)).all() == []
