"""The time in each stage reads when each stay ended (``StageChange.left_at``), kept by the
database session whatever writes a lead's history: a move, an import, a merge, an erasure, or a
history written by hand. Each test checks the stored stays against the history itself (the next
change of the same lead) and the report figures a manager reads."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal import clock
from portal.leads import operations
from portal.leads.models import Lead, LeadKind, Stage, StageChange
from portal.leads.operations import Submission
from portal.leads.personal_data import operations as personal_data
from portal.leads.personal_data.records import find
from portal.leads.reports import queries as reports
from portal.leads.reports.queries import ReportFilters
from tests import factories

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
    """Every stored ``left_at`` is the moment of the lead's next change (by moment, then id)."""
    session.expire_all()
    changes = session.scalars(select(StageChange).order_by(StageChange.lead_id, StageChange.changed_at,
                                                           StageChange.id)).all()
    for change, following in zip(changes, [*changes[1:], None]):
        expected = following.changed_at if following is not None and following.lead_id == change.lead_id else None
        assert change.left_at == expected, (change.lead_id, change.to_stage_id)


def days_in(now: datetime) -> dict[str, tuple[int, float | None]]:
    return {spent.stage.code: (spent.stays, spent.median_seconds / DAYS if spent.median_seconds else None)
            for spent in reports.time_in_stages(ReportFilters(), now)}


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
