"""A due day staff type on an investor's issue is a working day: a weekend or a public holiday is
refused beside the field, what was typed stays, nothing is saved (on the company's page, at an
event, and when the issue is corrected)."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.leads import queries
from portal.leads.models import Event, EventCompany, Holiday, Issue
from tests import factories
from tests.staff import post

TODAY = date(2026, 12, 7)  # a Monday
REFUSED = "The centre does not work that day (a weekend or a public holiday). Please choose a working day."


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("portal.clock.today_in_vietnam", lambda: TODAY)


def due_on_error(page: str) -> str:
    found = re.search(r'id="due_on-error">([^<]*)<', page)
    return found.group(1).replace("&#39;", "'") if found else ""


def issue_values(**overrides) -> dict:
    return {"category": "customs", "agency": "customs", "subject": "Parts held at customs since May",
            "description": "", "owner": "", **overrides}


def test_a_working_day_is_a_weekday_that_is_not_a_holiday(session):
    session.add(Holiday(day=date(2026, 12, 10), name="A day off"))
    session.commit()
    assert [queries.is_working_day(date(2026, 12, day)) for day in range(7, 15)] == [
        True, True, True, False, True, False, False, True]  # Thursday 10th a holiday, then the weekend


@pytest.mark.parametrize("typed", ["2026-12-12", "2026-12-13", "2026-12-10"])  # Saturday, Sunday, the holiday
def test_an_issue_logged_on_a_day_off_is_refused_beside_the_field_and_kept(session, staff_client, typed):
    company = factories.company("Sakura Seiki", country="JP")
    session.add(Holiday(day=date(2026, 12, 10), name="A day off"))
    session.commit()

    response = post(staff_client, f"/staff/companies/{company.id}/issues", **issue_values(due_on=typed))
    assert response.status_code == 400
    assert due_on_error(response.text) == REFUSED
    assert f'value="{typed}"' in response.text and "Parts held at customs since May" in response.text
    assert session.scalars(select(Issue)).all() == []

    response = post(staff_client, f"/staff/companies/{company.id}/issues", **issue_values(due_on="2026-12-11"))
    assert response.status_code == 302
    assert session.scalars(select(Issue.due_on)).one() == date(2026, 12, 11)


def test_the_message_is_in_the_staff_members_language(session, app):
    from tests.conftest import logged_in_client

    company = factories.company("Hanbit Electronics")
    officer = factories.user(language="ko")
    session.commit()
    client = logged_in_client(app, officer)
    response = post(client, f"/staff/companies/{company.id}/issues", **issue_values(due_on="2026-12-12"))
    assert response.status_code == 400
    assert due_on_error(response.text) not in ("", REFUSED)
    assert "근무일" in due_on_error(response.text)


def test_a_corrected_due_day_must_be_a_working_day_but_a_kept_one_stays(session, staff_client):
    company = factories.company("Sakura Seiki", country="JP")
    issue = Issue(reference="IS-26-DUE001", category="customs", agency="customs", subject="Parts held",
                  raised_on=date(2026, 12, 1), due_on=date(2026, 12, 15), company=company)
    session.add(issue)
    session.commit()
    edit = f"/staff/issues/{issue.reference}/edit"

    response = post(staff_client, edit, **issue_values(subject="Parts held, still", due_on="2026-12-19",
                                                       company=str(company.id)))
    assert response.status_code == 400
    assert due_on_error(response.text) == REFUSED
    assert 'value="2026-12-19"' in response.text and "Parts held, still" in response.text
    session.expire_all()
    assert (issue.due_on, issue.subject) == (date(2026, 12, 15), "Parts held")

    # The due day became a holiday after it was set: correcting something else keeps it
    session.add(Holiday(day=date(2026, 12, 15), name="Declared later"))
    session.commit()
    response = post(staff_client, edit, **issue_values(subject="Parts held, still", due_on="2026-12-15",
                                                       company=str(company.id)))
    assert response.status_code == 302
    session.expire_all()
    assert (issue.due_on, issue.subject) == (date(2026, 12, 15), "Parts held, still")


def test_an_issue_logged_at_an_event_on_a_day_off_is_refused_on_the_events_page(session, staff_client):
    meeting = Event(name="FDI enterprise meeting 2026", kind="fdi_meeting", starts_on=date(2026, 12, 2))
    company = factories.company("Hanbit Electronics")
    session.add(meeting)
    session.flush()
    session.add(EventCompany(event_id=meeting.id, company_id=company.id, attended=True))
    session.commit()

    response = post(staff_client, f"/staff/events/{meeting.id}/issues", company=str(company.id),
                    **issue_values(due_on="2026-12-13"))
    assert response.status_code == 400
    assert due_on_error(response.text) == REFUSED
    assert 'value="2026-12-13"' in response.text and "Parts held at customs since May" in response.text
    assert session.scalars(select(Issue)).all() == []
