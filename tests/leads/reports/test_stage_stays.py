"""The time in each stage reads when each stay ended (``StageChange.left_at``), kept by the
database session whatever writes a lead's history: a move, an import, a merge, an erasure, or a
history written by hand. Each test checks the stored stays against the history itself (the next
change of the same lead) and the report figures a manager reads."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import warnings

import pytest
from flask_migrate import upgrade
from sqlalchemy import DateTime, column, insert, select, table, update

from portal import clock
from portal.leads import operations
from portal.leads.models import Lead, LeadKind, Stage, StageChange
from portal.leads.operations import Submission
from portal.leads.personal_data import operations as personal_data
from portal.leads.personal_data.records import find
from portal.leads.reports import queries as reports
from portal.leads.reports.queries import ReportFilters
from portal.extensions import db
from tests import factories
from tests.conftest import make_app, temporary_database
from tests.test_migrations import lead_at_this_revision

UTC = timezone.utc
START = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
DAYS = 24 * 3600


@pytest.fixture
def moment(monkeypatch):
    """The clock, moved on by hand: ``moment.now`` is what the portal reads as now."""
    class Clock:
        now = START

        def after(self, days: float) -> datetime:
            self.now += timedelta(days=days)
            return self.now

    ticking = Clock()
    monkeypatch.setattr(clock, "now", lambda: ticking.now)
    return ticking


def stage(session, code: str) -> Stage:
    return session.scalars(select(Stage).where(Stage.code == code)).one()


def stays_follow_the_history(session) -> None:
    """Every stored ``left_at`` is the moment of the lead's next change (by moment, then id), its
    ``stay_seconds`` the time between, and the copies of the lead's columns are the lead's."""
    session.expire_all()
    changes = session.scalars(select(StageChange).order_by(StageChange.lead_id, StageChange.changed_at,
                                                           StageChange.id)).all()
    for change, following in zip(changes, [*changes[1:], None]):
        expected = following.changed_at if following is not None and following.lead_id == change.lead_id else None
        assert change.left_at == expected, (change.lead_id, change.to_stage_id)
        lasted = None if expected is None else (expected - change.changed_at).total_seconds()
        assert change.stay_seconds == (None if lasted is None else pytest.approx(lasted, abs=0.01))
        lead = change.lead
        assert (change.lead_received_at, change.lead_status, change.lead_country, change.lead_source,
                change.lead_owner_id) == (lead.created_at, lead.status, lead.country, lead.source, lead.owner_id)


def days_in(now: datetime, filters: ReportFilters = ReportFilters()) -> dict[str, tuple[int, float | None]]:
    return {spent.stage.code: (spent.stays, spent.median_seconds / DAYS if spent.median_seconds else None)
            for spent in reports.time_in_stages(filters, now)}


def test_moving_a_lead_ends_its_stay_in_the_stage_it_left(session, manager, moment):
    lead = factories.lead("Hanbit Chips", received=START, sectors=[factories.sector("semiconductors")],
                          estimated_investment_usd=20_000_000)  # what "qualified" asks for
    session.commit()
    assert days_in(moment.after(2))["new"] == (1, pytest.approx(2))  # still there: counted up to now

    operations.move_to_stage(lead, stage(session, "contacted"), manager)
    session.commit()
    moment.after(3)
    operations.move_to_stage(lead, stage(session, "qualified"), manager)
    session.commit()

    stays_follow_the_history(session)
    spent = days_in(moment.after(1))
    assert spent["new"] == (1, pytest.approx(2)) and spent["contacted"] == (1, pytest.approx(3))
    assert spent["qualified"] == (1, pytest.approx(1))


def test_a_history_corrected_by_hand_shifts_the_neighbouring_stays(session, moment):
    lead = factories.lead("Sakura Precision", received=START)
    later = StageChange(lead_id=lead.id, to_stage_id=stage(session, "qualified").id,
                        changed_at=START + timedelta(days=6))
    session.add(later)
    session.flush()
    # An earlier move recorded afterwards, as an import of an old history would
    session.add(StageChange(lead_id=lead.id, to_stage_id=stage(session, "contacted").id,
                            changed_at=START + timedelta(days=2)))
    session.commit()
    stays_follow_the_history(session)
    assert {code: figures[0] for code, figures in days_in(moment.after(7)).items()} == {
        "new": 1, "contacted": 1, "qualified": 1, "site_visit": 0, "negotiation": 0}

    session.delete(later)
    session.commit()
    stays_follow_the_history(session)
    assert days_in(moment.now)["contacted"] == (1, pytest.approx(5))  # now the latest stay again


def test_a_lead_stored_with_its_whole_history_at_once_ends_each_stay_but_the_last(session, moment):
    """A new lead's single change needs no stay computed (it has not ended); two at once do."""
    new, contacted = stage(session, "new"), stage(session, "contacted")
    lead = Lead(reference="IP-26-HIST01", kind="inquiry", source="website", name="Ito Ken", company="Kobe Gears",
                country="JP", email="ito@kobe.example", email_normalized="ito@kobe.example", preferred_language="ja",
                message="Land", created_at=START, last_message_at=START, first_response_due=START, stage=contacted,
                probability=contacted.probability)
    session.add_all([lead, StageChange(lead=lead, to_stage_id=new.id, changed_at=START),
                     StageChange(lead=lead, to_stage_id=contacted.id, changed_at=START + timedelta(days=3))])
    session.commit()  # one flush: the lead and both changes
    stays_follow_the_history(session)
    assert days_in(moment.after(4))["new"] == (1, pytest.approx(3))


def test_imported_leads_start_a_stay_that_ends_when_they_move(session, manager, moment):
    people = [(Submission(kind=LeadKind.EVENT, language="ko", name="Choi Ji-hoon", company="Daegu Motors",
                          email="choi@daegu.example", country="KR", message="Wants 5 ha"), None)]
    assert operations.import_people(people, None, manager) == (1, 0)
    session.commit()
    stays_follow_the_history(session)

    imported = session.scalars(select(StageChange)).one().lead
    moment.after(4)
    operations.move_to_stage(imported, stage(session, "contacted"), manager)
    session.commit()
    stays_follow_the_history(session)
    assert days_in(moment.after(1))["new"] == (1, pytest.approx(4))


def test_merging_and_erasing_leave_the_stays_as_they_were(session, manager, moment):
    survivor = factories.lead("Incheon Steel", received=START, email="park@incheon.example")
    duplicate = factories.lead("Incheon Steel Co", received=START + timedelta(days=1),
                               email="park@incheon.example")
    session.commit()
    moment.after(2)
    for lead in (survivor, duplicate):
        operations.move_to_stage(lead, stage(session, "contacted"), manager)
    session.commit()
    moment.after(3)
    operations.merge_leads(survivor, duplicate, {"company"}, manager)
    session.commit()
    stays_follow_the_history(session)
    # The duplicate's history stays its own and leaves the report with it
    assert days_in(moment.now)["new"] == (1, pytest.approx(2))
    assert days_in(moment.now)["contacted"] == (1, pytest.approx(3))

    personal_data.erase(find("park@incheon.example"), manager)
    session.commit()
    stays_follow_the_history(session)
    assert days_in(moment.now)["new"] == (1, pytest.approx(2))


def test_the_time_in_stage_filters_follow_the_lead_at_once(session, manager, moment):
    """The report filters the stays by copies of the lead's columns: a lead assigned, corrected,
    won or lost is counted under its new values by the next report, with no refresh to run."""
    lead = factories.lead("Busan Logistics", received=START, country="KR")
    session.commit()
    moment.after(2)
    korean, mine = ReportFilters(country="KR"), ReportFilters(owner=str(manager.id))
    assert days_in(moment.now, korean)["new"] == (1, pytest.approx(2)) and days_in(moment.now, mine)["new"][0] == 0

    operations.assign(lead, manager, manager)
    operations.update_lead(lead, {"country": "JP", "source": "event"}, None, manager)
    session.commit()
    stays_follow_the_history(session)
    assert days_in(moment.now, mine)["new"] == (1, pytest.approx(2))
    assert days_in(moment.now, korean)["new"][0] == 0
    assert days_in(moment.now, ReportFilters(country="JP", source="event"))["new"] == (1, pytest.approx(2))
    first_day = START.date()
    assert days_in(moment.now, ReportFilters(received_from=first_day + timedelta(days=1)))["new"][0] == 0
    assert days_in(moment.now, ReportFilters(received_from=first_day, received_to=first_day))["new"][0] == 1

    for row in session.scalars(select(Stage)):
        row.required_facts = ""  # this test is about the history, not the facts a stage asks for
    operations.move_to_stage(lead, stage(session, "lost"), manager)  # a finished lead's last stay stops counting
    session.commit()
    stays_follow_the_history(session)
    assert days_in(moment.after(5), mine)["new"] == (1, pytest.approx(2))


def test_the_migration_fills_the_stays_and_the_copies_of_existing_histories(tmp_path):
    leads = table("leads", column("id"), column("created_at"), column("status"), column("country"),
                  column("source"), column("owner_id"))
    changes = table("stage_changes", column("lead_id"), column("to_stage_id"), column("changed_at"),
                    column("left_at"), column("stay_seconds"), column("lead_received_at", DateTime(timezone=True)),
                    column("lead_status"),
                    column("lead_country"), column("lead_source"), column("lead_owner_id"))
    with temporary_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            upgrade(revision="b3d8f1a6c4e2")  # before the stays kept their length and the lead's columns
            stages = select(column("code"), column("id")).select_from(table("stages"))
            stage_ids = dict(db.session.execute(stages).all())
            with warnings.catch_warnings():  # reflecting ``leads``: SQLite cannot read its expression index
                warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
                old = lead_at_this_revision("IP-OLD-1")
            db.session.execute(leads.update().where(leads.c.id == old).values(
                created_at=START, status="open", country="SG", source="event"))
            db.session.execute(changes.insert(), [
                {"lead_id": old, "to_stage_id": stage_ids["new"], "changed_at": START,
                 "left_at": START + timedelta(days=3)},
                {"lead_id": old, "to_stage_id": stage_ids["contacted"], "changed_at": START + timedelta(days=3),
                 "left_at": None},
            ])
            db.session.commit()
            upgrade()
            rows = db.session.execute(select(changes.c.stay_seconds, changes.c.lead_received_at, changes.c.lead_status,
                                             changes.c.lead_country, changes.c.lead_source, changes.c.lead_owner_id)
                                      .order_by(changes.c.changed_at)).all()
            assert [row.stay_seconds and round(row.stay_seconds) for row in rows] == [3 * DAYS, None]
            assert {(clock.as_utc(row.lead_received_at), *row[2:]) for row in rows} == {
                (START, "open", "SG", "event", None)}
            days = {spent.stage.code: spent.stays for spent in reports.time_in_stages(
                ReportFilters(country="SG", source="event"), START + timedelta(days=4))}
            assert (days["new"], days["contacted"]) == (1, 1)
            db.session.remove()
            db.engine.dispose()


def test_stays_written_around_the_session_are_refreshed_by_the_command(session, runner):
    lead = factories.lead("Osaka Foods", received=START, country="JP")
    session.commit()
    # Raw SQL, as an operator's fix or a bulk load would write: the session sees none of it
    session.execute(update(StageChange).where(StageChange.lead_id == lead.id).values(
        lead_country=None, lead_received_at=None, stay_seconds=None))
    session.execute(insert(StageChange).values(lead_id=lead.id, to_stage_id=stage(session, "contacted").id,
                                               changed_at=START + timedelta(days=2)))
    session.commit()
    assert days_in(START + timedelta(days=3), ReportFilters(country="JP"))["new"][0] == 0

    result = runner.invoke(args=["reports", "refresh"])
    assert result.exit_code == 0, result.output
    stays_follow_the_history(session)
    assert days_in(START + timedelta(days=3), ReportFilters(country="JP"))["new"] == (1, pytest.approx(2))
