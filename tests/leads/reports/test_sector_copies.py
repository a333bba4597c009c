"""The sector breakdown reads ``lead_sectors`` alone: each of a lead's sectors keeps a copy of the
lead's columns the reports filter and count by, and the lead whether it has a sector (those without
one are counted from the leads). Kept by the database session whatever changes the lead or its
sectors; each test checks the stored copies against the leads and the figures a manager reads."""
from __future__ import annotations

import warnings
from datetime import datetime, timezone

from flask_migrate import upgrade
from sqlalchemy import column, select, table, update

from portal import clock
from portal.extensions import db
from portal.leads import operations
from portal.leads.models import Lead, LeadStatus, lead_sectors
from portal.leads.models.lead import SECTOR_COPIES
from portal.leads.reports import queries as reports
from portal.leads.reports.queries import ReportFilters
from tests import factories
from tests.conftest import make_app, temporary_database
from tests.test_migrations import lead_at_this_revision

START = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc)


def copies_follow_the_leads(session) -> None:
    """Every sector row's copies are its lead's columns, and each lead knows whether it has a sector."""
    session.expire_all()
    leads = {lead.id: lead for lead in session.scalars(select(Lead))}
    rows = session.execute(select(lead_sectors)).mappings().all()
    for row in rows:
        lead = leads[row["lead_id"]]
        copied = {copy: row[copy] for copy in SECTOR_COPIES}
        copied["lead_received_at"] = clock.as_utc(copied["lead_received_at"])
        expected = {copy: getattr(lead, name) for copy, name in SECTOR_COPIES.items()}
        expected["lead_received_at"] = clock.as_utc(expected["lead_received_at"])
        assert copied == expected, lead.id
    with_sector = {row["lead_id"] for row in rows}
    assert {lead_id for lead_id, lead in leads.items() if lead.has_sector} == with_sector


def sectors(filters: ReportFilters = ReportFilters()) -> dict:
    """(leads, registered, capital, lost) per sector code (None: leads without a sector)."""
    return {tally.key.code if tally.key else None: (tally.leads, tally.registered, tally.registered_capital_usd,
                                                    tally.lost)
            for tally in reports.breakdown(filters, "sectors")}


def test_the_sector_breakdown_follows_the_lead_at_once(session, manager):
    """A lead given sectors, assigned, corrected, registered, merged or left without a sector is
    counted under its new values by the next report, with no refresh to run."""
    steel, food = factories.sector("steel"), factories.sector("food")
    lead = factories.lead("Busan Steel", received=START, country="KR", sectors=[steel])
    factories.lead("Nowhere Trading", received=START, country="KR")
    session.commit()
    copies_follow_the_leads(session)
    assert sectors() == {"steel": (1, 0, 0, 0), None: (1, 0, 0, 0)}
    mine = ReportFilters(owner=str(manager.id))
    assert sectors(mine) == {}

    operations.assign(lead, manager, manager)
    operations.update_lead(lead, {"country": "JP", "source": "event"}, [steel, food], manager)
    session.commit()
    copies_follow_the_leads(session)
    assert sectors(mine) == {"steel": (1, 0, 0, 0), "food": (1, 0, 0, 0)}
    assert sectors(ReportFilters(country="KR")) == {None: (1, 0, 0, 0)}
    assert sectors(ReportFilters(country="JP", source="event", sector="food")) == {
        "steel": (1, 0, 0, 0), "food": (1, 0, 0, 0)}
    assert sectors(ReportFilters(received_from=START.date().replace(day=2))) == {}

    lead.status, lead.registered_capital_usd = LeadStatus.WON, 40_000_000
    session.commit()
    copies_follow_the_leads(session)
    assert sectors(mine) == {"steel": (1, 1, 40_000_000, 0), "food": (1, 1, 40_000_000, 0)}

    operations.update_lead(lead, {}, [], manager)  # no sector any more: counted with the others without
    session.commit()
    copies_follow_the_leads(session)
    assert sectors() == {None: (2, 1, 40_000_000, 0)}


def test_a_merged_duplicate_leaves_its_sectors_to_the_survivor(session, manager):
    steel, food = factories.sector("steel"), factories.sector("food")
    survivor = factories.lead("Incheon Steel", received=START, email="park@incheon.example", sectors=[steel])
    duplicate = factories.lead("Incheon Steel Co", received=START, email="park@incheon.example", sectors=[food])
    session.commit()
    assert sectors() == {"steel": (1, 0, 0, 0), "food": (1, 0, 0, 0)}

    operations.merge_leads(survivor, duplicate, {"company"}, manager)
    session.commit()
    copies_follow_the_leads(session)
    assert sectors() == {"steel": (1, 0, 0, 0), "food": (1, 0, 0, 0)}  # the survivor's, once each
    assert sectors(ReportFilters(sector="food")) == {"steel": (1, 0, 0, 0), "food": (1, 0, 0, 0)}


def test_deleting_a_sector_counts_its_only_leads_without_one(session):
    steel, food = factories.sector("steel"), factories.sector("food")
    factories.lead("Busan Steel", received=START, sectors=[steel])
    factories.lead("Busan Foods", received=START, sectors=[steel, food])
    session.commit()
    session.delete(steel)
    session.commit()
    copies_follow_the_leads(session)
    assert sectors() == {"food": (1, 0, 0, 0), None: (1, 0, 0, 0)}


def test_copies_written_around_the_session_are_refreshed_by_the_command(session, runner):
    steel = factories.sector("steel")
    lead = factories.lead("Osaka Steel", received=START, country="JP")
    session.commit()
    # Raw SQL, as an operator's fix or a bulk load would write: the session sees none of it
    session.execute(lead_sectors.insert().values(lead_id=lead.id, sector_id=steel.id))
    session.commit()
    assert sectors(ReportFilters(country="JP")) == {None: (1, 0, 0, 0)}

    result = runner.invoke(args=["reports", "refresh"])
    assert result.exit_code == 0, result.output
    copies_follow_the_leads(session)
    assert sectors(ReportFilters(country="JP")) == {"steel": (1, 0, 0, 0)}


def test_the_migration_fills_the_copies_of_existing_interests(tmp_path):
    leads = table("leads", column("id"), column("created_at"), column("status"), column("country"),
                  column("source"), column("registered_capital_usd"))
    sector_rows = table("sectors", column("id"), column("code"), column("name_vi"), column("name_en"),
                        column("name_ko"), column("name_ja"), column("position"), column("priority"))
    interests = table("lead_sectors", column("lead_id"), column("sector_id"))
    with temporary_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            upgrade(revision="7f0f645befd7")  # before the sectors kept their lead's columns
            with warnings.catch_warnings():  # reflecting ``leads``: SQLite cannot read its expression index
                warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
                interested, other = lead_at_this_revision("IP-OLD-1"), lead_at_this_revision("IP-OLD-2")
            for lead_id in (interested, other):
                db.session.execute(leads.update().where(leads.c.id == lead_id).values(
                    created_at=START, status="won", country="SG", source="event", registered_capital_usd=5_000_000))
            db.session.execute(sector_rows.insert().values(id=1, code="steel", name_vi="Thép", name_en="Steel",
                                                           name_ko="철강", name_ja="鉄鋼", position=1, priority=False))
            db.session.execute(interests.insert().values(lead_id=interested, sector_id=1))
            db.session.commit()
            upgrade()
            copies_follow_the_leads(db.session)
            assert sectors(ReportFilters(country="SG", source="event")) == {
                "steel": (1, 1, 5_000_000, 0), None: (1, 1, 5_000_000, 0)}
            db.session.remove()
            db.engine.dispose()
