"""The yearly FDI enterprise meeting: an event of the back office with invited companies, who came,
and the issues raised there."""
from datetime import date

import pytest
from sqlalchemy import select

from portal.leads.models import Event, EventCompany, Issue
from tests import factories
from tests.conftest import logged_in_client
from tests.staff import post

TODAY = date(2026, 12, 7)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("portal.clock.today_in_vietnam", lambda: TODAY)


def test_companies_are_invited_attend_and_raise_issues_at_the_meeting(session, staff_client, app):
    meeting = Event(name="FDI enterprise meeting 2026", kind="fdi_meeting", starts_on=date(2026, 12, 2))
    officer = factories.user()
    came = factories.company("Hanbit Electronics", last_contact_on=date(2025, 1, 5))
    absent = factories.company("Sakura Seiki", owner=officer)
    session.add(meeting)
    session.commit()

    post(staff_client, f"/staff/events/{meeting.id}/companies", companies=[str(came.id), str(absent.id)])
    post(staff_client, f"/staff/events/{meeting.id}/companies", companies=[str(came.id)])  # invited once only
    assert len(session.scalars(select(EventCompany)).all()) == 2
    post(staff_client, f"/staff/events/{meeting.id}/attendance", attended=[str(came.id)])
    session.expire_all()
    links = {link.company_id: link.attended for link in session.scalars(select(EventCompany))}
    assert links == {came.id: True, absent.id: False}
    assert came.last_contact_on == date(2026, 12, 2)  # meeting them is a contact

    response = post(staff_client, f"/staff/events/{meeting.id}/issues", company=str(came.id), category="labour",
                    agency="home_affairs", subject="Work permits take three months", owner="", due_on="")
    assert response.status_code == 302
    issue = session.scalars(select(Issue)).one()
    assert (issue.event_id, issue.company_id, issue.source) == (meeting.id, came.id, "event")
    page = staff_client.get(f"/staff/events/{meeting.id}/companies").text
    assert "Work permits take three months" in page and "Sakura Seiki" in page
    assert "Invited, who came, issues raised" in staff_client.get("/staff/events").text

    # An officer sees the meeting, but logs issues only for companies they may work on
    colleague = logged_in_client(app, factories.user())
    session.commit()
    assert colleague.get(f"/staff/events/{meeting.id}/companies").status_code == 200
    post(colleague, f"/staff/events/{meeting.id}/issues", company=str(absent.id), category="land",
         agency="finance", subject="Not theirs", owner="", due_on="")
    assert session.scalars(select(Issue).where(Issue.subject == "Not theirs")).all() == []
