"""Each lead's reporting facts (month received, seconds to the first answer, furthest stage
reached) are stored and kept by the database session (``models.report_facts``); the reports read
them instead of deriving them for every lead on every request. Each test checks the stored facts
against the same facts derived the old way from the rows themselves, after every kind of write:
moves (won, lost, reopened), first answers, merges, erasure, imports, a history written or deleted
by hand, edited stages; and the migration that fills them for existing leads. Likewise whether it was
followed up after its first answer (an e-mail after it, or its follow-up task done), after answers,
later e-mails, follow-up tasks done and undone, an e-mail deleted, merges and erasure."""
from __future__ import annotations

import warnings
from datetime import date, datetime, timedelta, timezone

import pytest
from flask_migrate import upgrade
from sqlalchemy import case, column, delete, func, or_, select, table, update

from portal import clock
from portal.extensions import db
from portal.leads import operations
from portal.leads.models import Activity, ActivityKind, Lead, LeadKind, LeadStatus, LostReason, Stage, StageChange, Task
from portal.leads.models.lead import lead_sectors
from portal.leads.operations import Submission
from portal.leads.personal_data import operations as personal_data
from portal.leads.personal_data.records import find
from portal.leads.reports import queries as reports
from portal.leads.reports.queries import ReportFilters
from portal.leads.reports.sql import seconds_between, vietnam_month
from tests import factories
from tests.conftest import make_app, temporary_database
from tests.test_migrations import lead_at_this_revision, row_at_this_revision

UTC = timezone.utc
START = datetime(2026, 4, 30, 18, 0, tzinfo=UTC)  # 1 May, 01:00 in Vietnam


@pytest.fixture
def moment(monkeypatch):
    class Clock:
        now = START

        def after(self, hours: float) -> datetime:
            self.now += timedelta(hours=hours)
            return self.now

    ticking = Clock()
    monkeypatch.setattr(clock, "now", lambda: ticking.now)
    return ticking


def stage(session, code: str) -> Stage:
    return session.scalars(select(Stage).where(Stage.code == code)).one()


@pytest.fixture
def no_required_facts(session):
    """Moves without the facts some stages ask for: these tests are about the history."""
    for row in session.scalars(select(Stage)):
        row.required_facts = ""
    session.commit()


def derived_the_old_way(session) -> dict[int, tuple]:
    """Each lead's facts as the reports derived them before they were stored: the month and the
    waiting time from the lead's own moments, the furthest stage from a join of its whole history
    (lost stages aside) and its last open stage."""
    positions = {row.id: row.position for row in session.scalars(select(Stage))}
    furthest = dict(session.execute(
        select(Lead.id, func.max(Stage.position)).select_from(Lead)
        .outerjoin(StageChange, StageChange.lead_id == Lead.id)
        .outerjoin(Stage, (Stage.id == StageChange.to_stage_id) & Stage.is_lost.is_(False))
        .group_by(Lead.id)).all())
    facts = {}
    for lead_id, month, waited, last_open in session.execute(
            select(Lead.id, vietnam_month(Lead.created_at), seconds_between(Lead.created_at, Lead.first_responded_at),
                   Lead.last_open_stage_id)):
        reached = max((value for value in (furthest.get(lead_id), positions.get(last_open)) if value is not None),
                      default=None)
        facts[lead_id] = (month, None if waited is None else round(waited, 3), reached)
    return facts


def stored(session) -> dict[int, tuple]:
    session.expire_all()
    return {lead_id: (month, None if waited is None else round(waited, 3), reached)
            for lead_id, month, waited, reached in session.execute(
                select(Lead.id, Lead.received_month, Lead.response_seconds, Lead.reached_position))}


def facts_follow_the_rows(session) -> dict[int, tuple]:
    session.commit()
    facts = stored(session)
    assert facts == derived_the_old_way(session)
    return facts


def funnel(filters=ReportFilters()) -> dict[str, int]:
    return {step.stage.code: step.reached for step in reports.funnel(filters)}


def test_a_new_lead_gets_its_month_in_vietnam_time_and_its_answer_time(session, manager, moment):
    lead = factories.lead("Texas Tools", received=START)  # 30 April in UTC, 1 May in Vietnam
    facts = facts_follow_the_rows(session)
    assert facts[lead.id] == (START.date().replace(month=5, day=1), None, stage(session, "new").position)

    operations.log_activity(lead, ActivityKind.NOTE, "Read it", manager)  # a note is no answer
    assert facts_follow_the_rows(session)[lead.id][1] is None
    moment.after(5)
    operations.log_activity(lead, ActivityKind.CALL, "Called", manager)
    assert facts_follow_the_rows(session)[lead.id][1] == 5 * 3600
    assert reports.response_overall(ReportFilters()).median_seconds == 5 * 3600

    lead.created_at = START - timedelta(hours=24)  # corrected by hand: a day earlier, in April
    facts = facts_follow_the_rows(session)
    assert facts[lead.id][:2] == (START.date().replace(day=1), 29 * 3600)
    assert [row.key.month for row in reports.breakdown(ReportFilters(), "months")] == [4]


def test_a_new_leads_stage_change_and_sectors_copy_its_columns(session, manager, moment):
    """A new lead's facts and copies go in its own INSERTs (``_give_born_leads_their_facts``): the same
    as the UPDATEs would have written, for an inquiry received and for leads made otherwise."""
    semis, batteries = factories.sector("semis"), factories.sector("batteries")
    manager.auto_assign = True  # the inquiry is given to them
    session.commit()
    received = operations.receive_submission(Submission(
        kind=LeadKind.INQUIRY, language="ko", name="Kim Min-jun", company="Hanbit", email="kim@hanbit.example",
        country="KR", message="15 ha", sectors=[semis, batteries])).lead
    factories.lead("Osaka Foods", owner=manager, sectors=[semis], country="JP", received=START, status=LeadStatus.OPEN)
    factories.lead("Lost Ltd", stage="lost", received=START)
    facts = facts_follow_the_rows(session)
    assert facts[received.id] == (START.date().replace(month=5, day=1), None, stage(session, "new").position)
    assert received.owner == manager

    lead_columns = (Lead.created_at, Lead.status, Lead.country, Lead.source, Lead.owner_id)
    changes = session.execute(select(StageChange.lead_received_at, StageChange.lead_status, StageChange.lead_country,
                                     StageChange.lead_source, StageChange.lead_owner_id, *lead_columns)
                              .join(Lead, Lead.id == StageChange.lead_id)).all()
    interests = session.execute(select(*(lead_sectors.c[name] for name in (
        "lead_received_at", "lead_status", "lead_country", "lead_source", "lead_owner_id",
        "lead_registered_capital_usd")), *lead_columns, Lead.registered_capital_usd)
        .join(Lead, Lead.id == lead_sectors.c.lead_id)).all()
    assert len(changes) == 3 and len(interests) == 3
    assert all(row[:5] == row[5:] for row in changes)
    assert all(row[:5] == row[6:11] and row[5] == row[11] for row in interests)
    assert sorted(row.lead_owner_id or 0 for row in changes) == [0, manager.id, manager.id]


def test_moves_won_lost_and_reopened_keep_the_furthest_stage(session, manager, moment, no_required_facts):
    lead = factories.lead("Hanbit Chips", received=START)
    other = factories.lead("Busan Cells", received=START)
    session.commit()
    for code in ("contacted", "qualified", "site_visit"):
        moment.after(24)
        operations.move_to_stage(lead, stage(session, code), manager)
    facts_follow_the_rows(session)
    assert funnel()["site_visit"] == 1 and funnel()["negotiation"] == 0

    moment.after(24)
    lead.lost_reason = session.scalars(select(LostReason)).first()
    operations.move_to_stage(lead, stage(session, "lost"), manager)  # lost: counts up to its last open stage
    facts_follow_the_rows(session)
    assert funnel()["site_visit"] == 1

    moment.after(24)
    operations.move_to_stage(lead, stage(session, "contacted"), manager)  # reopened, further back
    facts_follow_the_rows(session)
    assert funnel()["site_visit"] == 1  # it did reach the site visit once

    moment.after(24)
    operations.move_to_stage(other, stage(session, "registered"), manager)  # won straight from "new"
    facts_follow_the_rows(session)
    assert funnel() == {"new": 2, "contacted": 2, "qualified": 2, "site_visit": 2, "negotiation": 1,
                        "registered": 1}


def test_a_history_written_or_deleted_by_hand_moves_the_furthest_stage(session):
    lead = factories.lead("Sakura Precision", received=START)
    later = StageChange(lead_id=lead.id, to_stage_id=stage(session, "negotiation").id,
                        changed_at=START + timedelta(days=6))
    session.add(later)
    assert facts_follow_the_rows(session)[lead.id][2] == stage(session, "negotiation").position

    session.delete(later)
    assert facts_follow_the_rows(session)[lead.id][2] == stage(session, "new").position

    session.execute(delete(StageChange).where(StageChange.lead_id == lead.id))  # bulk, as some tests do
    session.add(StageChange(lead_id=lead.id, to_stage_id=stage(session, "qualified").id, changed_at=START))
    assert facts_follow_the_rows(session)[lead.id][2] == stage(session, "qualified").position


def test_editing_the_stages_recomputes_every_lead(session, manager, moment, no_required_facts):
    leads = [factories.lead(f"Firm {number}", received=START) for number in range(3)]
    session.commit()
    operations.move_to_stage(leads[0], stage(session, "site_visit"), manager)
    operations.move_to_stage(leads[1], stage(session, "qualified"), manager)
    facts_follow_the_rows(session)

    stage(session, "qualified").position = 99  # moved to the end of the board
    facts = facts_follow_the_rows(session)
    assert facts[leads[1].id][2] == 99
    stage(session, "site_visit").is_lost = True  # now counts as a way of losing
    facts = facts_follow_the_rows(session)
    assert facts[leads[0].id][2] == stage(session, "new").position


def test_merges_erasure_and_imports_keep_the_facts(session, manager, moment, no_required_facts):
    survivor = factories.lead("Incheon Steel", received=START, email="park@incheon.example")
    duplicate = factories.lead("Incheon Steel Co", received=START + timedelta(days=1), email="park@incheon.example")
    session.commit()
    moment.after(3)
    operations.log_activity(duplicate, ActivityKind.EMAIL, "Wrote back", manager)  # only the duplicate answered
    operations.move_to_stage(duplicate, stage(session, "qualified"), manager)
    facts_follow_the_rows(session)

    operations.merge_leads(survivor, duplicate, {"company"}, manager)
    facts = facts_follow_the_rows(session)
    assert facts[survivor.id][1] == 3 * 3600  # its first answer is the duplicate's
    assert duplicate.status == LeadStatus.MERGED and funnel()["qualified"] == 0  # its history left with it

    personal_data.erase(find("park@incheon.example"), manager)
    assert facts_follow_the_rows(session) == facts  # erasure keeps what statistics need

    people = [(Submission(kind=LeadKind.EVENT, language="ko", name="Choi Ji-hoon", company="Daegu Motors",
                          email="choi@daegu.example", country="KR", message="Wants 5 ha"), None)]
    assert operations.import_people(people, None, manager) == (1, 0)
    imported = max(facts_follow_the_rows(session))
    for change in session.scalars(select(StageChange).where(StageChange.lead_id == imported)):
        session.delete(change)  # its history deleted: it still counts at the first stage
    assert facts_follow_the_rows(session)[imported][2] is None and funnel()["new"] == 2


def test_the_migration_fills_the_facts_of_existing_leads(tmp_path):
    leads = table("leads", column("id"), column("created_at"), column("first_responded_at"),
                  column("last_open_stage_id"), column("received_month"), column("response_seconds"),
                  column("reached_position"))
    changes = table("stage_changes", column("lead_id"), column("to_stage_id"), column("changed_at"))
    with temporary_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            upgrade(revision="c4d8e2f1a7b3")  # before the facts were stored
            stage_ids = dict(db.session.execute(select(column("code"), column("id")).select_from(table("stages"))).all())
            with warnings.catch_warnings():  # reflecting ``leads``: SQLite cannot read its expression index
                warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
                answered, lost, fresh = [lead_at_this_revision(f"IP-OLD-{n}") for n in range(3)]
            db.session.execute(leads.update().where(leads.c.id == answered).values(
                created_at=START, first_responded_at=START + timedelta(hours=30)))
            db.session.execute(leads.update().where(leads.c.id == lost).values(
                created_at=START - timedelta(days=40), last_open_stage_id=stage_ids["qualified"]))
            db.session.execute(leads.update().where(leads.c.id == fresh).values(created_at=START - timedelta(hours=2)))  # 23:00 VN
            db.session.execute(changes.insert(), [
                {"lead_id": answered, "to_stage_id": stage_ids["new"], "changed_at": START},
                {"lead_id": answered, "to_stage_id": stage_ids["negotiation"], "changed_at": START},
                {"lead_id": lost, "to_stage_id": stage_ids["contacted"], "changed_at": START},
                {"lead_id": lost, "to_stage_id": stage_ids["lost"], "changed_at": START},
            ])
            db.session.commit()
            upgrade()
            positions = dict(db.session.execute(select(column("code"), column("position"))
                                                 .select_from(table("stages"))).all())
            rows = {row.id: row for row in db.session.execute(select(leads))}
            assert (str(rows[answered].received_month), round(rows[answered].response_seconds, 3),
                    rows[answered].reached_position) == ("2026-05-01", 30 * 3600, positions["negotiation"])
            assert (str(rows[lost].received_month), rows[lost].response_seconds, rows[lost].reached_position) \
                == ("2026-03-01", None, positions["qualified"])
            assert (str(rows[fresh].received_month), rows[fresh].reached_position) == ("2026-04-01", None)
            db.session.remove()
            db.engine.dispose()


def test_rows_written_around_the_session_are_refreshed_by_the_command(session, runner):
    lead = factories.lead("Osaka Foods", received=START)
    later = StageChange(lead_id=lead.id, to_stage_id=stage(session, "qualified").id,
                        changed_at=START + timedelta(days=3))
    session.add(later)
    session.commit()
    # Raw SQL, as an operator's fix or a bulk load would write: the session sees none of it
    session.execute(update(Lead).where(Lead.id == lead.id).values(
        created_at=START - timedelta(days=40), first_responded_at=START, updated_at=Lead.updated_at))
    session.execute(update(StageChange).where(StageChange.id == later.id).values(to_stage_id=stage(session, "negotiation").id))
    session.execute(update(Lead).where(Lead.id == lead.id).values(received_month=None, reached_position=None))
    session.commit()
    assert stored(session) != derived_the_old_way(session)

    result = runner.invoke(args=["reports", "refresh"])
    assert result.exit_code == 0, result.output
    assert facts_follow_the_rows(session)[lead.id] == (date(2026, 3, 1), 40 * 24 * 3600,
                                                       stage(session, "negotiation").position)


# --- whether a lead was followed up -----------------------------------------------------------


def followed_up_the_old_way(session) -> dict[int, bool]:
    """Each lead's follow-up as the reports derived it before it was stored: answered, then an
    e-mail after the first answer, or its automatic follow-up task done."""
    later_email = (select(Activity.id).where(Activity.lead_id == Lead.id, Activity.kind == ActivityKind.EMAIL,
                                             Activity.created_at > Lead.first_responded_at).correlate(Lead).exists())
    task_done = (select(Task.id).where(Task.lead_id == Lead.id, Task.follow_up.is_(True), Task.done_at.is_not(None))
                 .correlate(Lead).exists())
    followed = case((Lead.first_responded_at.is_not(None) & or_(later_email, task_done), True), else_=False)
    return {lead_id: bool(value) for lead_id, value in session.execute(select(Lead.id, followed))}


def followed_up_stored(session) -> dict[int, bool]:
    session.expire_all()
    return {lead_id: bool(value) for lead_id, value in session.execute(select(Lead.id, Lead.followed_up))}


def follow_up_follows_the_rows(session) -> dict[int, bool]:
    session.commit()
    facts = followed_up_stored(session)
    assert facts == followed_up_the_old_way(session)
    return facts


def follow_up_figures() -> tuple[int, int]:
    figures = reports.follow_ups(ReportFilters())
    return figures.answered, figures.followed_up


def test_follow_ups_after_answers_later_emails_and_deleted_emails(session, manager, moment, count_queries):
    lead = factories.lead("Texas Tools", received=START)
    assert follow_up_follows_the_rows(session)[lead.id] is False
    moment.after(2)
    operations.log_activity(lead, ActivityKind.EMAIL, "First answer", manager)  # the answer itself is no follow-up
    assert follow_up_follows_the_rows(session)[lead.id] is False and follow_up_figures() == (1, 0)
    moment.after(1)
    operations.log_activity(lead, ActivityKind.CALL, "Called", manager)  # a call is no follow-up e-mail
    assert follow_up_follows_the_rows(session)[lead.id] is False
    moment.after(48)
    with count_queries() as counter:
        later = operations.log_activity(lead, ActivityKind.EMAIL, "Any news?", manager)
    updates = [statement.split()[1].strip('"') for statement in counter.statements
               if statement.lstrip().upper().startswith("UPDATE")]
    assert updates == ["leads"]  # its facts; the lead's columns (and their copies) are as they were
    assert follow_up_follows_the_rows(session)[lead.id] is True and follow_up_figures() == (1, 1)

    later.kind = ActivityKind.NOTE  # corrected: it was a note
    assert follow_up_follows_the_rows(session)[lead.id] is False
    later.kind = ActivityKind.EMAIL
    assert follow_up_follows_the_rows(session)[lead.id] is True
    session.delete(later)
    assert follow_up_follows_the_rows(session)[lead.id] is False and follow_up_figures() == (1, 0)

    lead.first_responded_at = None  # an answer taken back: not answered, so not followed up
    session.add(Activity(lead=lead, kind=ActivityKind.EMAIL, body="", created_at=moment.after(1)))
    assert follow_up_follows_the_rows(session)[lead.id] is False and follow_up_figures() == (0, 0)


def test_follow_ups_after_the_follow_up_task_done_and_undone(session, manager, moment):
    lead = factories.lead("Osaka Foods", received=START)
    session.commit()
    moment.after(3)
    operations.log_activity(lead, ActivityKind.CALL, "Called", manager)  # plans the follow-up task
    task = session.scalars(select(Task).where(Task.lead_id == lead.id, Task.follow_up.is_(True))).one()
    assert follow_up_follows_the_rows(session)[lead.id] is False
    moment.after(72)
    operations.complete_task(task, manager)
    assert follow_up_follows_the_rows(session)[lead.id] is True and follow_up_figures() == (1, 1)
    task.done_at = None  # reopened
    assert follow_up_follows_the_rows(session)[lead.id] is False
    task.done_at, task.follow_up = moment.after(1), False  # done, but an ordinary task now
    assert follow_up_follows_the_rows(session)[lead.id] is False
    task.follow_up = True
    assert follow_up_follows_the_rows(session)[lead.id] is True
    session.delete(task)
    assert follow_up_follows_the_rows(session)[lead.id] is False


def test_merges_and_erasure_keep_the_follow_ups(session, manager, moment):
    survivor = factories.lead("Incheon Steel", received=START, email="park@incheon.example")
    duplicate = factories.lead("Incheon Steel Co", received=START + timedelta(hours=1), email="park@incheon.example")
    session.commit()
    moment.after(3)
    operations.log_activity(survivor, ActivityKind.CALL, "Called", manager)
    moment.after(1)
    operations.log_activity(duplicate, ActivityKind.CALL, "Called", manager)
    moment.after(24)
    operations.log_activity(duplicate, ActivityKind.EMAIL, "Sent the brochure", manager)  # the duplicate's follow-up
    assert follow_up_follows_the_rows(session) == {survivor.id: False, duplicate.id: True}

    operations.merge_leads(survivor, duplicate, {"company"}, manager)  # its e-mails come to the survivor
    assert follow_up_follows_the_rows(session) == {survivor.id: True, duplicate.id: False}
    assert follow_up_figures() == (1, 1)  # the merged lead is left out

    personal_data.erase(find("park@incheon.example"), manager)
    assert follow_up_follows_the_rows(session)[survivor.id] is True  # erasure keeps what statistics need


def test_the_command_refreshes_the_follow_ups_of_rows_written_around_the_session(session, manager, moment, runner):
    lead = factories.lead("Busan Marine", received=START, first_responded_at=START + timedelta(hours=2))
    session.commit()
    # Raw SQL, as a bulk load would write: the session sees none of it
    session.execute(Activity.__table__.insert().values(lead_id=lead.id, kind="email", body="",
                                                       created_at=START + timedelta(days=3)))
    session.commit()
    assert followed_up_stored(session)[lead.id] is False and followed_up_the_old_way(session)[lead.id] is True

    result = runner.invoke(args=["reports", "refresh"])
    assert result.exit_code == 0, result.output
    assert follow_up_follows_the_rows(session)[lead.id] is True
    session.execute(update(Lead).where(Lead.id == lead.id).values(followed_up=False, updated_at=Lead.updated_at))
    session.commit()
    runner.invoke(args=["reports", "refresh"])
    assert follow_up_follows_the_rows(session)[lead.id] is True


def test_the_migration_fills_the_follow_ups_of_existing_leads(tmp_path):
    leads = table("leads", column("id"), column("first_responded_at"), column("followed_up"))
    activities = table("activities", column("lead_id"), column("kind"), column("body"), column("created_at"))
    tasks = table("tasks", column("lead_id"), column("title"), column("due_date"), column("assignee_id"),
                  column("follow_up"), column("done_at"))
    with temporary_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            upgrade(revision="e2b7c4d9a1f6")  # before the fact was stored
            with warnings.catch_warnings():  # reflecting ``leads``: SQLite cannot read its expression index
                warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
                emailed, tasked, open_task, unanswered, answer_only = [
                    lead_at_this_revision(f"IP-OLD-{n}") for n in range(5)]
                officer = row_at_this_revision("users", email="officer@old.example")
            answered = {lead_id: START for lead_id in (emailed, tasked, open_task, answer_only)}
            for lead_id, moment in answered.items():
                db.session.execute(leads.update().where(leads.c.id == lead_id).values(first_responded_at=moment))
            later = START + timedelta(days=2)
            db.session.execute(activities.insert(), [
                {"lead_id": emailed, "kind": "email", "body": "", "created_at": later},
                {"lead_id": answer_only, "kind": "email", "body": "", "created_at": START},  # the answer itself
                {"lead_id": unanswered, "kind": "email", "body": "", "created_at": later},
            ])
            db.session.execute(tasks.insert(), [
                {"lead_id": tasked, "title": "Follow up", "due_date": later.date(), "assignee_id": officer,
                 "follow_up": True, "done_at": later},
                {"lead_id": open_task, "title": "Follow up", "due_date": later.date(), "assignee_id": officer,
                 "follow_up": True, "done_at": None},
            ])
            db.session.commit()
            upgrade()
            rows = dict(db.session.execute(select(leads.c.id, leads.c.followed_up)).all())
            assert {lead_id: bool(rows[lead_id]) for lead_id in (emailed, tasked, open_task, unanswered, answer_only)} \
                == {emailed: True, tasked: True, open_task: False, unanswered: False, answer_only: False}
            db.session.remove()
            db.engine.dispose()
