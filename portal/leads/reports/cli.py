"""``flask reports refresh``: recompute every lead's reporting facts and stays, every company's
next contact due day and every open issue's due day, for rows written around the database session
(raw SQL, bulk inserts), which the session cannot keep."""
import click
from flask.cli import AppGroup
from sqlalchemy import update

from portal.extensions import db
from portal.leads.companies.issues.operations import follow_every_holiday
from portal.leads.companies.operations import refresh_every_visit_due
from portal.leads.models import StageChange, report_facts, report_version
from portal.leads.models.upkeep import stay_values

reports_cli = AppGroup("reports", help="The staff reports.")


@reports_cli.command("refresh")
def refresh_command() -> None:
    """Recompute each lead's month received, first-answer time, furthest stage, whether it has a
    sector and whether it was followed up, when each stay in a stage ended, and the copies of the
    lead's columns on its stage changes and sectors, each company's next contact due day (after the
    rhythm and the holidays) and each open issue's due day (after the holidays), from the rows as
    stored."""
    connection = db.session.connection()
    connection.execute(update(StageChange).values(**stay_values()))
    report_facts.refresh(connection)
    report_facts.refresh_copies(connection)
    moved = refresh_every_visit_due()
    issues = follow_every_holiday()
    report_version.note_change(db.session)  # written around the session: the kept figures go
    db.session.commit()
    click.echo(f"Reports: every lead's facts and stays recomputed; {moved} companies' next contact due day moved; "
               f"{issues} issues' due day moved.")
