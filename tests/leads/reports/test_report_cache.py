"""The reports keep their costly figures (``portal.leads.reports.cache``) under a token that
changes in the same transaction as any change that can move one: every kind of change shows on
the very next view, an officer never gets another's figures, and the time in each stage, which
grows with the clock, is the same from the kept stays as computed afresh."""
from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from flask import current_app
from sqlalchemy import delete, select, update

from portal import clock
from portal.leads import operations
from portal.leads.models import Activity, ActivityKind, Lead, SavedFilter, Stage, StageChange, Task
from portal.leads.models import report_facts
from portal.leads.models.lead import SECTOR_COPIES
from portal.leads.models.pipeline import LEAD_COPIES
from portal.leads.models.report_version import FIGURE_ATTRIBUTES, ReportDataVersion, current_tokens
from portal.leads.reports import aftercare, queries as reports
from portal.leads.reports import cache as report_cache
from portal.leads.reports.cache import RedisStore
from portal.leads.reports.queries import Report, ReportFilters
from tests import factories
from tests.forms import inquiry, submit
from tests.leads.reports.test_reports import add_lead
from tests.staff import log_in

UTC = timezone.utc
NOW = datetime(2026, 6, 30, 2, 0, tzinfo=UTC)
EVERYTHING = ReportFilters()
#: The page's default period at NOW: kept in month pieces (``Report.months``).
PERIOD = ReportFilters(received_from=date(2025, 7, 1), received_to=date(2026, 6, 30))


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def stage(session, code: str) -> Stage:
    return session.scalars(select(Stage).where(Stage.code == code)).one()


def figures(filters: ReportFilters = EVERYTHING) -> dict:
    """What a manager reads first on the page, from a report as the page builds it."""
    report = Report(filters, NOW)
    totals, follow_ups, replies = report.totals(), report.follow_ups(), report.reply_answers()
    return {"leads": totals.leads, "registered": totals.registered, "answered": follow_ups.answered,
            "followed_up": follow_ups.followed_up, "replies": replies.replies, "replies_answered": replies.answered,
            "not_answered": report.response_overall().not_answered,
            "countries": {tally.key: tally.leads for tally in report.breakdown("countries")},
            "sectors": {tally.key.code if tally.key else None: tally.leads for tally in report.breakdown("sectors")},
            "funnel": [step.reached for step in report.funnel()],
            "stays": {spent.stage.code: spent.stays for spent in report.time_in_stages()}}


@pytest.fixture
def answered_lead(session, manager):
    lead = add_lead(session, "Hanbit Chips", NOW - timedelta(days=10), [("new", 1), ("contacted", None)], 2,
                    owner=manager)
    session.commit()
    return lead


def test_a_second_view_reads_the_kept_figures(session, answered_lead, count_queries):
    first = figures()
    with count_queries() as second:
        assert figures() == first  # a new report: the same figures, kept
    reports_statements = [s for s in second.statements if "FROM leads" in s or "FROM activities" in s]
    assert reports_statements == []  # nothing read from the leads or their activities again


@pytest.mark.parametrize("filters", [EVERYTHING, PERIOD], ids=["open period", "month pieces"])
@pytest.mark.parametrize("change", [
    "a new lead", "a first answer", "an e-mail after the answer", "a follow-up task done", "a reply",
    "a call answering a reply", "a move to another stage", "a sector", "an update statement", "a delete statement",
])
def test_every_kind_of_change_shows_on_the_next_view(session, manager, answered_lead, change, filters):
    before = figures(filters)
    lead = session.get(Lead, answered_lead.id)
    later = NOW - timedelta(days=5)
    if change == "a call answering a reply":
        session.add(Activity(lead_id=lead.id, kind="reply", body="Thank you.", created_at=later, details={}))
        session.commit()
        before = figures(filters)
        operations.log_activity(lead, ActivityKind.CALL, "Called back.", manager)
    elif change == "a new lead":
        factories.lead("Sakura Precision", received=NOW - timedelta(days=3), country="JP")
    elif change == "a first answer":
        factories.lead("Sakura Precision", received=NOW - timedelta(days=3), country="JP")
        session.commit()
        before = figures(filters)
        fresh = session.scalars(select(Lead).where(Lead.company == "Sakura Precision")).one()
        fresh.first_responded_at = NOW - timedelta(days=2)
    elif change == "an e-mail after the answer":
        session.add(Activity(lead_id=lead.id, kind="email", body="The land prices.", created_at=later, details={}))
    elif change == "a follow-up task done":
        session.add(Task(lead_id=lead.id, title="Follow up", due_date=later.date(), assignee_id=manager.id,
                         follow_up=True, done_at=later))
    elif change == "a reply":
        session.add(Activity(lead_id=lead.id, kind="reply", body="Thank you.", created_at=later, details={}))
    elif change == "a move to another stage":
        operations.move_to_stage(lead, stage(session, "new"), manager)
    elif change == "a sector":
        lead.sectors.append(factories.sector("semiconductors"))
    elif change == "an update statement":
        session.execute(update(Lead).where(Lead.id == lead.id).values(country="JP"))
    elif change == "a delete statement":
        session.execute(delete(Activity).where(Activity.lead_id == lead.id))
        session.execute(delete(StageChange).where(StageChange.lead_id == lead.id))
        session.execute(delete(Lead).where(Lead.id == lead.id))
    session.commit()
    after = figures(filters)
    assert after != before, change
    current_app.extensions["report_cache"].clear()
    assert figures(filters) == after  # what was kept after the change is what a fresh computation gives


def test_an_inquiry_from_the_public_form_shows_on_the_next_view(session, client, answered_lead):
    """The form writes a new inquiry's rows in one pass, around the flush: the token changes all the same."""
    factories.sector("semiconductors")
    session.commit()
    before = figures()
    assert submit(client, "/en/inquire", inquiry()).status_code == 302
    after = figures()
    assert after["leads"] == before["leads"] + 1
    assert after["countries"].get("KR", 0) == before["countries"].get("KR", 0) + 1


def test_a_change_rolled_back_keeps_the_figures(session, answered_lead):
    token = current_tokens()
    session.add(Activity(lead_id=answered_lead.id, kind="email", body="Draft", details={}))
    session.flush()
    session.rollback()
    assert current_tokens() == token


def test_a_change_to_what_no_report_reads_keeps_the_figures(session, manager, answered_lead):
    token = current_tokens()
    session.add(SavedFilter(user_id=manager.id, name="Korean leads", query="country=KR"))
    session.commit()
    assert current_tokens() == token
    answered_lead.country = "JP"
    session.commit()
    assert current_tokens() != token


def renewed(before: dict) -> set[str]:
    """The families whose token changed since ``before``."""
    return {family for family, token in current_tokens().items() if token != before[family]}


@pytest.mark.parametrize("change, families", [
    ("a call", {"replies"}),
    ("a note", set()),
    ("a reply", {"replies"}),
    ("an e-mail after the answer", {"replies", "leads"}),
    ("a follow-up task done", {"leads"}),
    ("an ordinary task", set()),
    ("a move to another stage", {"leads", "stays"}),
    ("the investor's reply answered", set()),
    ("a lead's country", {"leads", "stays", "replies"}),
    ("a lead's owner", {"leads", "stays", "replies"}),
    ("a lead's expected jobs", {"leads", "stays", "replies"}),
    ("a new lead", {"leads", "stays", "replies"}),
    ("an update statement", {"leads", "stays", "replies"}),
    ("a sign-in", set()),
    ("a referrer renamed", set()),
    ("a referrer deleted", {"leads", "stays", "replies"}),
])
def test_a_change_renews_the_families_it_can_move(session, manager, answered_lead, change, families):
    """Each family's figures kept, a change renews the tokens of those it can move, and those alone."""
    figures()
    before = current_tokens()
    lead = session.get(Lead, answered_lead.id)
    later = NOW - timedelta(days=5)
    if change in ("a call", "a note", "a reply"):
        session.add(Activity(lead_id=lead.id, kind=change[2:], body="Called.", created_at=later, details={}))
    elif change == "an e-mail after the answer":
        session.add(Activity(lead_id=lead.id, kind="email", body="The land prices.", created_at=later, details={}))
    elif change in ("a follow-up task done", "an ordinary task"):
        session.add(Task(lead_id=lead.id, title="Follow up", due_date=later.date(), assignee_id=manager.id,
                         follow_up=change == "a follow-up task done", done_at=later))
    elif change == "a move to another stage":
        operations.move_to_stage(lead, stage(session, "new"), manager)
    elif change == "the investor's reply answered":
        lead.investor_replied_at = later
        session.commit()
        before = current_tokens()
        lead.investor_replied_at = None
        lead.priority_score = 90
    elif change == "a lead's country":
        lead.country = "JP"
    elif change == "a lead's expected jobs":
        lead.expected_jobs = 250
    elif change == "a lead's owner":
        lead.owner = factories.user(name="Kim Officer")
    elif change == "a new lead":
        factories.lead("Sakura Precision", received=NOW - timedelta(days=3))
    elif change == "an update statement":
        session.execute(update(Activity).where(Activity.lead_id == lead.id).values(body="Edited"))
    elif change == "a sign-in":
        manager.last_login_at = NOW
    elif change.startswith("a referrer"):
        referrer = factories.referrer()
        session.commit()
        before = current_tokens()
        if change == "a referrer renamed":
            referrer.name = "Daejeon Metropolitan City"
        else:
            session.delete(referrer)
    session.commit()
    assert renewed(before) == families


def test_a_call_logged_recomputes_the_answers_to_replies_alone(session, manager, answered_lead, count_queries):
    """The first view after an activity logged reads the activities again, not the leads' passes nor the stays."""
    session.add(Activity(lead_id=answered_lead.id, kind="reply", body="Thanks.", created_at=NOW - timedelta(days=6),
                         details={}))
    session.commit()
    before = figures()
    operations.log_activity(session.get(Lead, answered_lead.id), ActivityKind.CALL, "Called back.", manager)
    session.commit()
    with count_queries() as view:
        after = figures()
    assert after == {**before, "replies_answered": before["replies_answered"] + 1}
    read_again = [s for s in view.statements if "FROM leads" in s or "FROM stage_changes" in s or "FROM activities" in s]
    assert len(read_again) == 1 and "FROM activities" in read_again[0]
    current_app.extensions["report_cache"].clear()
    assert figures() == after


def test_every_lead_column_a_figure_reads_renews_every_family():
    """What the stored facts and the copies derive from is among the lead's figure attributes."""
    assert set(report_facts._SOURCES) <= FIGURE_ATTRIBUTES
    assert {*LEAD_COPIES.values(), *SECTOR_COPIES.values()} <= FIGURE_ATTRIBUTES


def test_an_officer_gets_only_their_leads_figures(app, session, manager, answered_lead):
    officer = factories.user(name="Kim Officer")
    factories.lead("Sakura Precision", received=NOW - timedelta(days=3), owner=officer)
    factories.lead("Osaka Foods", received=NOW - timedelta(days=4), owner=officer)
    session.commit()
    manager_client, officer_client = app.test_client(), app.test_client()
    log_in(manager_client, manager)
    log_in(officer_client, officer)
    everyone = manager_client.get("/staff/reports").text
    mine = officer_client.get("/staff/reports").text
    assert '<span class="figure-value">3</span><span class="figure-label">leads received' in everyone
    assert '<span class="figure-value">2</span><span class="figure-label">leads received' in mine
    # The officer asks for everyone's leads in the address: still theirs, never the manager's kept figures
    forced = officer_client.get(f"/staff/reports?owner={manager.id}").text
    assert '<span class="figure-value">2</span><span class="figure-label">leads received' in forced


@pytest.mark.parametrize("filters", [EVERYTHING, PERIOD], ids=["open period", "month pieces"])
def test_figures_kept_in_redis_are_shared_and_never_stale(app, session, answered_lead, filters):
    kept = current_app.extensions["report_cache"]
    current_app.extensions["report_cache"] = RedisStore("redis://127.0.0.1:6379/0", f"test-{uuid.uuid4().hex}:")
    try:
        first = figures(filters)
        assert figures(filters) == first
        assert current_app.extensions["report_cache"].redis.keys(current_app.extensions["report_cache"].prefix + "*")
        factories.lead("Sakura Precision", received=NOW - timedelta(days=3), country="JP")
        session.commit()
        assert figures(filters)["leads"] == first["leads"] + 1
    finally:
        store = current_app.extensions["report_cache"]
        for key in store.redis.scan_iter(store.prefix + "*"):
            store.redis.delete(key)
        current_app.extensions["report_cache"] = kept


def test_without_the_token_row_nothing_is_kept(session, answered_lead):
    session.execute(delete(ReportDataVersion))
    session.commit()
    first = figures()
    factories.lead("Sakura Precision", received=NOW - timedelta(days=3))
    session.commit()
    assert figures()["leads"] == first["leads"] + 1


def test_the_time_in_each_stage_from_kept_stays_is_the_one_computed_afresh(session):
    """Stays that end and go on, at odd microseconds, read at later and later moments: the medians
    from the kept stays are exactly those ``time_in_stages`` computes, on either database."""
    chance = random.Random(7)
    codes = ["new", "contacted", "qualified", "site_visit"]
    for number in range(60):
        received = NOW - timedelta(days=chance.uniform(1, 90), microseconds=chance.randint(0, 999_999))
        path = [(code, chance.uniform(0.001, 6)) for code in codes[:chance.randint(1, 4)]]
        path[-1] = (path[-1][0], None)
        if chance.random() < 0.3:
            path.append(("lost", None))
        add_lead(session, f"Firm {number}", received, path, last_open=path[-2][0] if path[-1][0] == "lost" else None)
    session.commit()
    first = Report(EVERYTHING, NOW).time_in_stages()
    assert first == reports.time_in_stages(EVERYTHING, NOW)
    for hours in (0.0001, 0.5, 7, 30, 24 * 45):
        moment = NOW + timedelta(hours=hours, microseconds=chance.randint(0, 999_999))
        kept = Report(EVERYTHING, moment).time_in_stages()
        assert kept == reports.time_in_stages(EVERYTHING, moment), hours
        assert any(spent.median_seconds for spent in kept)


# --- month pieces ------------------------------------------------------------------------------

JANUARY, MAY = date(2026, 1, 1), date(2026, 5, 1)


@pytest.fixture
def two_months(session, manager):
    """A lead received in January, another in May (both in ``PERIOD``), kept in their months' pieces."""
    january = add_lead(session, "Daewoo Steel", datetime(2026, 1, 10, 3, tzinfo=UTC),
                       [("new", 2), ("contacted", None)], 5, owner=manager, country="KR")
    may = add_lead(session, "Osaka Foods", datetime(2026, 5, 20, 3, tzinfo=UTC), [("new", None)], 3,
                   owner=manager, country="JP")
    session.commit()
    figures(PERIOD)
    return january, may


def test_a_change_to_a_lead_renews_its_months_pieces_and_no_others(session, two_months):
    january, _ = two_months
    before = current_tokens()
    session.get(Lead, january.id).country = "SG"
    session.commit()
    after = current_tokens()
    for family in ("leads", "stays", "replies"):
        assert after[family].whole == before[family].whole, family
        assert after[family].months[JANUARY] != before[family].months.get(JANUARY), family
        assert after[family].months.get(MAY) == before[family].months.get(MAY), family


def test_a_lead_belongs_to_the_month_it_was_received_in_vietnam(session, manager):
    """Received on 31 January at 18:00 UTC: 1 February in Vietnam, as the period's days are."""
    lead = add_lead(session, "Busan Steel", datetime(2026, 1, 31, 18, tzinfo=UTC), [("new", None)], owner=manager)
    session.commit()
    before = current_tokens()["leads"].months
    session.get(Lead, lead.id).country = "JP"
    session.commit()
    after = current_tokens()["leads"].months
    assert after[date(2026, 2, 1)] != before.get(date(2026, 2, 1))
    assert JANUARY not in after


def test_a_lead_moved_from_an_old_month_shows_at_once_and_only_its_month_is_read_again(
        session, manager, two_months, monkeypatch):
    january, _ = two_months
    before = figures(PERIOD)
    operations.move_to_stage(session.get(Lead, january.id), stage(session, "new"), manager)
    session.commit()
    read = {}
    for name in ("_lead_passes", "stays_read_by_month", "sector_counts_by_month", "response_pieces",
                 "follow_up_counts_by_month"):
        def spy(filters, *args, name=name, computed=getattr(reports, name), **kwargs):
            read.setdefault(name, []).append((filters.received_from, filters.received_to))
            return computed(filters, *args, **kwargs)

        monkeypatch.setattr(reports, name, spy)
    after = figures(PERIOD)
    assert after["stays"]["new"] == before["stays"]["new"] + 1
    assert set(read) == {"_lead_passes", "stays_read_by_month", "sector_counts_by_month", "response_pieces",
                         "follow_up_counts_by_month"}
    assert all(periods == [(JANUARY, date(2026, 1, 31))] for periods in read.values()), read
    current_app.extensions["report_cache"].clear()
    assert figures(PERIOD) == after


@pytest.mark.parametrize("change", ["an update statement", "a delete statement", "a sector deleted"])
def test_a_bulk_statement_or_a_delete_renews_every_month(session, two_months, change):
    _, may = two_months
    before_figures = figures(PERIOD)
    before = current_tokens()
    if change == "an update statement":
        session.execute(update(Lead).where(Lead.id == may.id).values(country="SG"))
    elif change == "a delete statement":
        session.execute(delete(Activity).where(Activity.lead_id == may.id))
        session.execute(delete(StageChange).where(StageChange.lead_id == may.id))
        session.execute(delete(Lead).where(Lead.id == may.id))
    else:
        sector = factories.sector("semiconductors")
        session.get(Lead, may.id).sectors.append(sector)
        session.commit()
        before_figures, before = figures(PERIOD), current_tokens()
        session.delete(sector)
    session.commit()
    after = current_tokens()
    assert all(after[family].whole != before[family].whole for family in after)
    shown = figures(PERIOD)
    assert shown != before_figures
    current_app.extensions["report_cache"].clear()
    assert figures(PERIOD) == shown


def test_an_officer_gets_only_their_leads_figures_after_a_change_in_the_same_month(app, session, manager):
    officer = factories.user(name="Kim Officer")
    factories.lead("Sakura Precision", received=NOW - timedelta(days=3), owner=officer)
    factories.lead("Busan Steel", received=NOW - timedelta(days=3), owner=manager)
    session.commit()
    manager_client, officer_client = app.test_client(), app.test_client()
    log_in(manager_client, manager)
    log_in(officer_client, officer)
    leads = '<span class="figure-value">{}</span><span class="figure-label">leads received'
    assert leads.format(2) in manager_client.get("/staff/reports").text
    assert leads.format(1) in officer_client.get("/staff/reports").text
    factories.lead("Osaka Foods", received=NOW - timedelta(days=2), owner=manager)
    session.commit()
    assert leads.format(1) in officer_client.get("/staff/reports").text  # the month read again: still theirs
    assert leads.format(3) in manager_client.get("/staff/reports").text
    assert leads.format(1) in officer_client.get(f"/staff/reports?owner={manager.id}").text


def test_month_pieces_kept_at_different_moments_add_up_to_the_figures_of_the_whole_period(session, manager):
    """Leads over fifteen months, answered or not, won, lost or open, in several stays: every figure
    kept in month pieces is the one computed for the whole period at once, also when the pieces
    were kept at other moments and one month was read again after a change."""
    chance = random.Random(5)
    officer = factories.user(name="Kim Officer")
    semis, batteries = factories.sector("semiconductors"), factories.sector("batteries")
    codes = ["new", "contacted", "qualified", "site_visit"]
    for number in range(90):
        received = NOW - timedelta(days=chance.uniform(1, 450), microseconds=chance.randint(0, 999_999))
        path = [(code, chance.uniform(0.001, 40)) for code in codes[:chance.randint(1, 4)]]
        path[-1] = (path[-1][0], None)
        last_open = None
        if chance.random() < 0.3:
            path[-1] = (path[-1][0], chance.uniform(0.5, 9))
            path.append((chance.choice(["lost", "registered"]), None))
            last_open = path[-2][0] if path[-1][0] == "lost" else None
        add_lead(session, f"Firm {number}", received, path,
                 chance.choice([None, chance.uniform(0.1, 60), chance.uniform(0.1, 60)]), last_open=last_open,
                 owner=chance.choice([manager, officer, None]), country=chance.choice(["KR", "JP", "SG"]),
                 sectors=chance.sample([semis, batteries], chance.randint(0, 2)),
                 registered_capital_usd=chance.randint(1, 90) * 1_000_000 if path[-1][0] == "registered" else None)
    session.commit()
    periods = [PERIOD, ReportFilters(received_from=date(2025, 8, 17), received_to=date(2026, 3, 3), country="KR"),
               ReportFilters(received_from=date(2025, 9, 1), received_to=date(2026, 6, 30), owner=str(officer.id)),
               ReportFilters(received_from=date(2025, 7, 1), received_to=date(2026, 6, 30), sector="semiconductors")]

    def same_as_computed_at_once(moment):
        for filters in periods:
            report = Report(filters, moment)
            assert report.months is not None
            passes = reports._pass_rows(report_cache.keep(None, "passes", filters, reports._lead_passes(filters)))
            assert {name: sorted(rows) for name, rows in report.passes.items()} == \
                {name: sorted(rows) for name, rows in passes.items()}
            assert report.breakdown("sectors") == [reports._tally(key or None, *counts) for key, *counts in
                                                   reports._by_sector(filters, passes["reach"])]
            assert report.response_times == reports.response_times(filters)
            assert report.follow_ups() == reports.follow_ups(filters)
            assert report.reinvestment() == aftercare.reinvestment_split(reports.lead_conditions(filters))
            assert report.time_in_stages() == reports.time_in_stages(filters, moment)
            assert any(spent.median_seconds for spent in report.time_in_stages())

    same_as_computed_at_once(NOW)
    # One month's lead moves, later: that month is read again, the others come from their pieces
    moved = session.scalars(select(Lead).where(Lead.status == "open", Lead.created_at < NOW - timedelta(days=200))
                            .order_by(Lead.id).limit(1)).one()
    operations.move_to_stage(moved, stage(session, "new" if moved.stage.code != "new" else "contacted"), manager)
    moved.first_responded_at = moved.created_at + timedelta(hours=3)
    session.commit()
    for hours in (0.0001, 5, 24 * 20):
        same_as_computed_at_once(NOW + timedelta(hours=hours, microseconds=chance.randint(0, 999_999)))


def test_a_merge_of_leads_received_in_two_months_shows_in_both_at_once(session, manager, two_months):
    january, may = two_months
    session.add(Activity(lead_id=may.id, kind="reply", body="Thank you.", created_at=NOW - timedelta(days=20),
                         details={}))
    session.commit()
    before = figures(PERIOD)
    operations.merge_leads(session.get(Lead, january.id), session.get(Lead, may.id), {"company"}, manager)
    session.commit()
    after = figures(PERIOD)
    assert after["leads"] == before["leads"] - 1 and after["countries"] != before["countries"]
    current_app.extensions["report_cache"].clear()
    assert figures(PERIOD) == after
