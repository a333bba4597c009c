"""Each lead stores whether it was followed up after its first answer (``Lead.followed_up``, kept by
the database session in ``models.report_facts``); the follow-ups figure counts it instead of looking
up every answered lead's e-mails and tasks. Each test checks the stored fact against the fact as the
reports derived it before, from the rows themselves, after every kind of change: answers, later
e-mails, follow-up tasks done and undone, an e-mail deleted, merges, erasure, rows written around
the session; and the migration that fills it for existing leads."""
from __future__ import annotations

import warnings
from datetime import datetime, timedelta, timezone

import pytest
from flask_migrate import upgrade
from sqlalchemy import case, column, or_, select, table, update

from portal import clock
from portal.extensions import db
from portal.leads import operations
from portal.leads.models import Activity, ActivityKind, Lead, Task
from portal.leads.personal_data import operations as personal_data
from portal.leads.personal_data.records import find
from portal.leads.reports import queries as reports
from portal.leads.reports.queries import ReportFilters
from tests import factories
from tests.conftest import make_app, temporary_database
from tests.test_migrations import lead_at_this_revision, row_at_this_revision

UTC = timezone.utc
START = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)


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


def derived_the_old_way(session) -> dict[int, bool]:
    """Each lead's follow-up as the reports derived it before it was stored: answered, then an
    e-mail after the first answer, or its automatic follow-up task done."""
    later_email = (select(Activity.id).where(Activity.lead_id == Lead.id, Activity.kind == ActivityKind.EMAIL,
                                             Activity.created_at > Lead.first_responded_at).correlate(Lead).exists())
    task_done = (select(Task.id).where(Task.lead_id == Lead.id, Task.follow_up.is_(True), Task.done_at.is_not(None))
                 .correlate(Lead).exists())
    followed = case((Lead.first_responded_at.is_not(None) & or_(later_email, task_done), True), else_=False)
    return {lead_id: bool(value) for lead_id, value in session.execute(select(Lead.id, followed))}


def stored(session) -> dict[int, bool]:
    session.expire_all()
    return {lead_id: bool(value) for lead_id, value in session.execute(select(Lead.id, Lead.followed_up))}


def follows_the_rows(session) -> dict[int, bool]:
    session.commit()
    facts = stored(session)
    assert facts == derived_the_old_way(session)
    return facts


def follow_ups() -> tuple[int, int]:
    figures = reports.follow_ups(ReportFilters())
    return figures.answered, figures.followed_up


def test_answers_later_emails_and_deleted_emails(session, manager, moment):
    lead = factories.lead("Texas Tools", received=START)
    assert follows_the_rows(session)[lead.id] is False
    moment.after(2)
    operations.log_activity(lead, ActivityKind.EMAIL, "First answer", manager)  # the answer itself is no follow-up
    assert follows_the_rows(session)[lead.id] is False and follow_ups() == (1, 0)
    moment.after(1)
    operations.log_activity(lead, ActivityKind.CALL, "Called", manager)  # a call is no follow-up e-mail
    assert follows_the_rows(session)[lead.id] is False
    moment.after(48)
    later = operations.log_activity(lead, ActivityKind.EMAIL, "Any news?", manager)
    assert follows_the_rows(session)[lead.id] is True and follow_ups() == (1, 1)

    later.kind = ActivityKind.NOTE  # corrected: it was a note
    assert follows_the_rows(session)[lead.id] is False
    later.kind = ActivityKind.EMAIL
    assert follows_the_rows(session)[lead.id] is True
    session.delete(later)
    assert follows_the_rows(session)[lead.id] is False and follow_ups() == (1, 0)

    lead.first_responded_at = None  # an answer taken back: not answered, so not followed up
    session.add(Activity(lead=lead, kind=ActivityKind.EMAIL, body="", created_at=moment.after(1)))
    assert follows_the_rows(session)[lead.id] is False and follow_ups() == (0, 0)


def test_the_follow_up_task_done_and_undone(session, manager, moment):
    lead = factories.lead("Osaka Foods", received=START)
    session.commit()
    moment.after(3)
    operations.log_activity(lead, ActivityKind.CALL, "Called", manager)  # plans the follow-up task
    task = session.scalars(select(Task).where(Task.lead_id == lead.id, Task.follow_up.is_(True))).one()
    assert follows_the_rows(session)[lead.id] is False
    moment.after(72)
    operations.complete_task(task, manager)
    assert follows_the_rows(session)[lead.id] is True and follow_ups() == (1, 1)
    task.done_at = None  # reopened
    assert follows_the_rows(session)[lead.id] is False
    task.done_at, task.follow_up = moment.after(1), False  # done, but an ordinary task now
    assert follows_the_rows(session)[lead.id] is False
    task.follow_up = True
    assert follows_the_rows(session)[lead.id] is True
    session.delete(task)
    assert follows_the_rows(session)[lead.id] is False


def test_merges_and_erasure_keep_the_fact(session, manager, moment):
    survivor = factories.lead("Incheon Steel", received=START, email="park@incheon.example")
    duplicate = factories.lead("Incheon Steel Co", received=START + timedelta(hours=1), email="park@incheon.example")
    session.commit()
    moment.after(3)
    operations.log_activity(survivor, ActivityKind.CALL, "Called", manager)
    moment.after(1)
    operations.log_activity(duplicate, ActivityKind.CALL, "Called", manager)
    moment.after(24)
    operations.log_activity(duplicate, ActivityKind.EMAIL, "Sent the brochure", manager)  # the duplicate's follow-up
    assert follows_the_rows(session) == {survivor.id: False, duplicate.id: True}

    operations.merge_leads(survivor, duplicate, {"company"}, manager)  # its e-mails come to the survivor
    assert follows_the_rows(session) == {survivor.id: True, duplicate.id: False}
    assert follow_ups() == (1, 1)  # the merged lead is left out

    personal_data.erase(find("park@incheon.example"), manager)
    assert follows_the_rows(session)[survivor.id] is True  # erasure keeps what statistics need


def test_rows_written_around_the_session_are_refreshed_by_the_command(session, manager, moment, runner):
    lead = factories.lead("Busan Marine", received=START, first_responded_at=START + timedelta(hours=2))
    session.commit()
    # Raw SQL, as a bulk load would write: the session sees none of it
    session.execute(Activity.__table__.insert().values(lead_id=lead.id, kind="email", body="",
                                                       created_at=START + timedelta(days=3)))
    session.commit()
    assert stored(session)[lead.id] is False and derived_the_old_way(session)[lead.id] is True

    result = runner.invoke(args=["reports", "refresh"])
    assert result.exit_code == 0, result.output
    assert follows_the_rows(session)[lead.id] is True
    session.execute(update(Lead).where(Lead.id == lead.id).values(followed_up=False, updated_at=Lead.updated_at))
    session.commit()
    runner.invoke(args=["reports", "refresh"])
    assert follows_the_rows(session)[lead.id] is True


def test_the_migration_fills_the_fact_of_existing_leads(tmp_path):
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
