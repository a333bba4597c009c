"""The reports' follow-up figures: the share of answered leads that were followed up, and the median
time to answer an investor's reply, exact on known data (SQLite and PostgreSQL)."""
import html
from datetime import date, datetime, timedelta, timezone

import pytest

from portal import clock
from portal.leads.models import Activity, Task
from portal.leads.reports.queries import Report, ReportFilters
from tests import factories

UTC = timezone.utc
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
START = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def lead_with(session, company, received, answered_after=None, events=(), task_done=None, **fields):
    """A lead answered ``answered_after`` hours after it came (an e-mail), then ``events``: (kind, hours
    after it came) on its timeline; ``task_done``: its automatic follow-up task, done or not."""
    answered = received + timedelta(hours=answered_after) if answered_after is not None else None
    lead = factories.lead(company, received=received, first_responded_at=answered, **fields)
    officer = factories.user()
    if answered:
        lead.activities.append(Activity(kind="email", body="First answer", user_id=officer.id, created_at=answered))
    for kind, hours in events:
        lead.activities.append(Activity(kind=kind, body="", created_at=received + timedelta(hours=hours),
                                        user_id=None if kind == "reply" else officer.id))
    if task_done is not None:
        lead.tasks.append(Task(title="Follow up", due_date=date(2026, 11, 20), assignee_id=officer.id, follow_up=True,
                               done_at=received + timedelta(days=8) if task_done else None))
    session.flush()
    return lead


@pytest.fixture
def centre(session):
    lead_with(session, "A", START, 2, [("email", 120), ("reply", 72), ("call", 76)])   # followed up; 4 h
    lead_with(session, "B", START, 3, [("reply", 24), ("email", 34)], task_done=True)  # followed up; 10 h
    lead_with(session, "C", START, 1, [("reply", 30)], task_done=False)                # not; reply unanswered
    lead_with(session, "D", START)                                                     # not answered
    lead_with(session, "E", START + timedelta(days=5), 1,
              [("call", 20), ("reply", 24), ("reply", 25), ("meeting", 26)])           # not; 2 h and 1 h
    merged = lead_with(session, "Merged", START, 1, [("email", 50), ("reply", 60)])
    merged.status = "merged"
    session.commit()


def test_the_share_followed_up_and_the_median_time_to_answer_a_reply(session, centre):
    report = Report(ReportFilters())
    follow_ups = report.follow_ups()
    assert (follow_ups.answered, follow_ups.followed_up, follow_ups.share) == (4, 2, 50.0)
    replies = report.reply_answers()
    assert (replies.replies, replies.answered) == (5, 4)
    assert replies.median_seconds == 3 * 3600.0  # of 1, 2, 4 and 10 hours


def test_the_filters_choose_the_leads(session, centre):
    report = Report(ReportFilters(received_from=date(2026, 11, 5)))  # E only
    assert (report.follow_ups().answered, report.follow_ups().followed_up) == (1, 0)
    replies = report.reply_answers()
    assert (replies.replies, replies.answered, replies.median_seconds) == (2, 2, 1.5 * 3600)
    nothing = Report(ReportFilters(received_from=date(2026, 11, 20)))
    assert nothing.follow_ups().share is None and nothing.reply_answers().median_seconds is None


def test_the_report_page_shows_the_figures_with_their_definitions(session, centre, staff_client):
    page = html.unescape(staff_client.get("/staff/reports?received_from=2026-11-01").text)
    assert ('<span class="figure-value">50%</span><span class="figure-label">of the answered leads followed up'
            in page)
    assert '<span class="figure-value">3 hr</span><span class="figure-label">median time to answer an investor\'s reply' \
        in page
    assert "Followed up: 2 of 4 answered leads got an e-mail after the first answer" in page
    assert "in clock hours (nights and weekends count); 1 not answered yet." in page
