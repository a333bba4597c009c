"""Reports at 100,000 leads: each lead stores what the reports used to derive on every request
(the month it was received in Vietnam time, the seconds to its first answer, the position of the
furthest stage it reached), kept by the session (``portal.leads.models.report_facts``), in the
reports' index. Existing leads get theirs now, from the same expressions.

Revision ID: d5a9f3c2b8e1
Revises: e7a1c5d9b2f8
Create Date: 2026-12-06 22:00:00

"""
from alembic import op
import sqlalchemy as sa

from portal.leads.reports.sql import seconds_between, vietnam_month


# revision identifiers, used by Alembic.
revision = 'd5a9f3c2b8e1'
down_revision = 'e7a1c5d9b2f8'
branch_labels = None
depends_on = None

OLD_REPORTING_COLUMNS = ("created_at", "status", "source", "country", "preferred_language", "owner_id",
                         "referrer_id", "event_id", "lost_reason_id", "last_open_stage_id", "first_responded_at",
                         "first_response_due", "registered_capital_usd", "id")
REPORTING_COLUMNS = ("created_at", "status", "source", "country", "preferred_language", "owner_id", "referrer_id",
                     "event_id", "lost_reason_id", "received_month", "response_seconds", "reached_position",
                     "first_responded_at", "first_response_due", "registered_capital_usd", "id")

leads = sa.table('leads', sa.column('id', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
                 sa.column('first_responded_at', sa.DateTime(timezone=True)),
                 sa.column('last_open_stage_id', sa.Integer), sa.column('received_month', sa.Date),
                 sa.column('response_seconds', sa.Float), sa.column('reached_position', sa.Integer))
stages = sa.table('stages', sa.column('id', sa.Integer), sa.column('position', sa.Integer),
                  sa.column('is_lost', sa.Boolean))
stage_changes = sa.table('stage_changes', sa.column('lead_id', sa.Integer), sa.column('to_stage_id', sa.Integer))


def _fill_facts():
    """As ``report_facts.values()`` computes them (the model may change later; this stays)."""
    reached = (sa.select(sa.func.max(stages.c.position))
               .where(sa.or_(stages.c.id == leads.c.last_open_stage_id,
                             stages.c.is_lost.is_(False) & stages.c.id.in_(
                                 sa.select(stage_changes.c.to_stage_id)
                                 .where(stage_changes.c.lead_id == leads.c.id).correlate(leads))))
               .correlate(leads).scalar_subquery())
    op.execute(leads.update().values(
        received_month=vietnam_month(leads.c.created_at),
        response_seconds=seconds_between(leads.c.created_at, leads.c.first_responded_at),
        reached_position=reached))


def upgrade():
    op.add_column('leads', sa.Column('received_month', sa.Date(), nullable=True))
    op.add_column('leads', sa.Column('response_seconds', sa.Float(), nullable=True))
    op.add_column('leads', sa.Column('reached_position', sa.Integer(), nullable=True))
    _fill_facts()
    op.drop_index('ix_leads_reporting', table_name='leads')
    op.create_index('ix_leads_reporting', 'leads', list(REPORTING_COLUMNS), unique=False)


def downgrade():
    op.drop_index('ix_leads_reporting', table_name='leads')
    op.create_index('ix_leads_reporting', 'leads', list(OLD_REPORTING_COLUMNS), unique=False)
    # Not in batch mode: SQLite drops a column in place (3.35+), without reflecting the leads table
    # (whose expression index SQLAlchemy cannot reflect, and warns about)
    op.drop_column('leads', 'reached_position')
    op.drop_column('leads', 'response_seconds')
    op.drop_column('leads', 'received_month')
