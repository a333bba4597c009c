"""The public promise of response time: the staff reports' figures, over the last 90 days, shown only
once enough leads were answered, and never on a page the cache keeps."""
from datetime import timedelta

import pytest
from pytest import approx

from portal import clock
from portal.leads.promise import forget_promise, response_promise_for
from portal.leads.reports.queries import Report, ReportFilters
from tests import factories


@pytest.fixture(autouse=True)
def fresh_promise(app):
    with app.app_context():
        forget_promise()
    yield
    with app.app_context():
        forget_promise()


def answered_leads(session, hours: list[float], days_ago: int = 10, in_time_within: float = 24):
    """One lead per value, received ``days_ago`` days ago and first answered that many hours later;
    its deadline ``in_time_within`` hours after it arrived."""
    received = clock.now() - timedelta(days=days_ago)
    for value in hours:
        factories.lead(received=received, first_responded_at=received + timedelta(hours=value),
                       first_response_due=received + timedelta(hours=in_time_within))
    session.commit()


def test_the_promise_is_the_reports_figure_for_the_last_90_days(app, session):
    # 21 answered in the period: 1..21 hours (median 11; answered by the deadline: 1..20 = 20 of 21)
    answered_leads(session, [float(h) for h in range(1, 22)], in_time_within=20)
    answered_leads(session, [500.0] * 5, days_ago=120)  # older than 90 days: not counted
    factories.lead(received=clock.now() - timedelta(days=3))  # not answered yet: only counted as such
    session.commit()
    today = clock.today_in_vietnam()
    promise = response_promise_for(today)
    report = Report(ReportFilters(received_from=today - timedelta(days=89), received_to=today)).response_overall()
    assert promise.answered == report.answered == 21
    assert promise.median_hours == approx(report.median_seconds / 3600) == approx(11)
    assert promise.share_in_time == approx(report.share_in_time) == approx(20 / 21 * 100)
    assert promise.deadline_hours == app.config["FIRST_RESPONSE_HOURS"]


def test_the_promise_shows_on_the_inquiry_page_and_in_the_contact_block_of_uncached_pages(client, session):
    answered_leads(session, [2.0] * 10 + [6.0] * 10, in_time_within=4)
    inquiry_page = client.get("/en/inquire").text
    assert "a median of 4 hours (clock time, nights and weekends included)" in inquiry_page
    assert "50% of inquiries answered within 8 working hours" in inquiry_page
    assert inquiry_page.count('class="response-promise"') == 1
    assert 'class="response-promise"' in client.get("/en/visit").text
    assert 'class="response-promise"' in client.get("/ko/my-inquiry").text
    # a page the cache keeps would show it long after it changed
    assert 'class="response-promise"' not in client.get("/en/").text
    assert 'class="response-promise"' not in client.get("/en/shortlist").text


def test_the_promise_is_hidden_until_enough_leads_were_answered(client, session, app):
    answered_leads(session, [3.0] * (app.config["RESPONSE_PROMISE_MIN_ANSWERED"] - 1))
    factories.lead()  # waiting for an answer: not an answered lead
    session.commit()
    assert response_promise_for(clock.today_in_vietnam()) is None
    assert 'class="response-promise"' not in client.get("/en/inquire").text


def test_the_promise_costs_one_computation_per_worker_and_refresh(client, session, count_queries):
    answered_leads(session, [3.0] * 20)
    client.get("/en/my-inquiry")
    with count_queries() as kept:
        client.get("/en/my-inquiry")
    forget_promise()
    with count_queries() as computed:
        client.get("/en/my-inquiry")
    assert kept.count == 0
    assert computed.count in (1, 2)
