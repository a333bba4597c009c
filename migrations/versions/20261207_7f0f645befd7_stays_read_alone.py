"""Reports at 100,000 leads: each stage change keeps how long its stay lasted and a copy of its
lead's columns the reports filter by (when received, status, country, source, owner), kept by the
session (``portal.leads.models.report_facts``), in an index of their own: the time in each stage
reads the stays alone instead of joining them to the leads. Existing stays get theirs now.

Revision ID: 7f0f645befd7
Revises: a4f2c9e1b7d3
Create Date: 2026-12-07 01:00:00

"""
from alembic import op
import sqlalchemy as sa

from portal.leads.reports.sql import seconds_between


# revision identifiers, used by Alembic.
revision = '7f0f645befd7'
down_revision = 'a4f2c9e1b7d3'
branch_labels = None
depends_on = None

#: The copy of each lead column, as ``portal.leads.models.pipeline.LEAD_COPIES`` had it.
LEAD_COPIES = {"lead_received_at": "created_at", "lead_status": "status", "lead_country": "country",
               "lead_source": "source", "lead_owner_id": "owner_id"}
STAY_REPORTING_COLUMNS = ("lead_received_at", "lead_status", "to_stage_id", "stay_seconds", "changed_at",
                          "lead_country", "lead_source", "lead_owner_id", "lead_id")

leads = sa.table('leads', sa.column('id', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
                 sa.column('status', sa.String), sa.column('country', sa.String), sa.column('source', sa.String),
                 sa.column('owner_id', sa.Integer))
stage_changes = sa.table('stage_changes', sa.column('lead_id', sa.Integer),
                         sa.column('changed_at', sa.DateTime(timezone=True)),
                         sa.column('left_at', sa.DateTime(timezone=True)), sa.column('stay_seconds', sa.Float),
                         *(sa.column(copy) for copy in LEAD_COPIES))


def upgrade():
    op.add_column('stage_changes', sa.Column('stay_seconds', sa.Float(), nullable=True))
    op.add_column('stage_changes', sa.Column('lead_received_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('stage_changes', sa.Column('lead_status', sa.String(length=10), nullable=True))
    op.add_column('stage_changes', sa.Column('lead_country', sa.String(length=2), nullable=True))
    op.add_column('stage_changes', sa.Column('lead_source', sa.String(length=20), nullable=True))
    op.add_column('stage_changes', sa.Column('lead_owner_id', sa.Integer(), nullable=True))
    op.execute(stage_changes.update().where(stage_changes.c.left_at.is_not(None))
               .values(stay_seconds=seconds_between(stage_changes.c.changed_at, stage_changes.c.left_at)))
    op.execute(stage_changes.update().where(stage_changes.c.lead_id == leads.c.id)
               .values({copy: leads.c[column] for copy, column in LEAD_COPIES.items()}))
    op.create_index('ix_stage_changes_reporting', 'stage_changes', list(STAY_REPORTING_COLUMNS), unique=False)


def downgrade():
    op.drop_index('ix_stage_changes_reporting', table_name='stage_changes')
    for column in ('lead_owner_id', 'lead_source', 'lead_country', 'lead_status', 'lead_received_at',
                   'stay_seconds'):
        op.drop_column('stage_changes', column)
