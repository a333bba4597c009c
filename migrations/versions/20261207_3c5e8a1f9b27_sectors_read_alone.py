"""Reports at 100,000 leads: each of a lead's sectors keeps a copy of its lead's columns the reports
filter and count by (when received, status, country, source, owner, registered capital), kept by the
session (``portal.leads.models.report_facts``), in an index of their own, and each lead whether it
has a sector (in the reports' index): the sector breakdown reads the sectors alone instead of
joining them to the leads, and the leads without a sector from the pass over the leads. Existing
leads get theirs now.

Revision ID: 3c5e8a1f9b27
Revises: f458ed3b9e9f
Create Date: 2026-12-07 02:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c5e8a1f9b27'
down_revision = 'f458ed3b9e9f'
branch_labels = None
depends_on = None

#: As ``portal.leads.models.lead`` had them at this revision.
SECTOR_COPIES = {"lead_received_at": "created_at", "lead_status": "status", "lead_country": "country",
                 "lead_source": "source", "lead_owner_id": "owner_id",
                 "lead_registered_capital_usd": "registered_capital_usd"}
SECTOR_REPORTING_COLUMNS = ("lead_received_at", "lead_status", "sector_id", "lead_registered_capital_usd",
                            "lead_country", "lead_source", "lead_owner_id", "lead_id")
OLD_REPORTING_COLUMNS = ("created_at", "status", "source", "country", "preferred_language", "owner_id",
                         "referrer_id", "event_id", "lost_reason_id", "received_month", "response_seconds",
                         "reached_position", "first_responded_at", "first_response_due", "registered_capital_usd",
                         "id")
NEW_REPORTING_COLUMNS = (*OLD_REPORTING_COLUMNS[:-1], "has_sector", "id")

leads = sa.table('leads', sa.column('id', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
                 sa.column('status', sa.String), sa.column('country', sa.String), sa.column('source', sa.String),
                 sa.column('owner_id', sa.Integer), sa.column('registered_capital_usd', sa.BigInteger),
                 sa.column('has_sector', sa.Boolean))
lead_sectors = sa.table('lead_sectors', sa.column('lead_id', sa.Integer), *(sa.column(copy) for copy in SECTOR_COPIES))


def upgrade():
    op.add_column('lead_sectors', sa.Column('lead_received_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('lead_sectors', sa.Column('lead_status', sa.String(length=10), nullable=True))
    op.add_column('lead_sectors', sa.Column('lead_country', sa.String(length=2), nullable=True))
    op.add_column('lead_sectors', sa.Column('lead_source', sa.String(length=20), nullable=True))
    op.add_column('lead_sectors', sa.Column('lead_owner_id', sa.Integer(), nullable=True))
    op.add_column('lead_sectors', sa.Column('lead_registered_capital_usd', sa.BigInteger(), nullable=True))
    op.add_column('leads', sa.Column('has_sector', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(lead_sectors.update().where(lead_sectors.c.lead_id == leads.c.id)
               .values({copy: leads.c[column] for copy, column in SECTOR_COPIES.items()}))
    op.execute(leads.update().values(has_sector=sa.exists().where(lead_sectors.c.lead_id == leads.c.id)))
    op.create_index('ix_lead_sectors_reporting', 'lead_sectors', list(SECTOR_REPORTING_COLUMNS), unique=False)
    op.drop_index('ix_leads_reporting', table_name='leads')
    op.create_index('ix_leads_reporting', 'leads', list(NEW_REPORTING_COLUMNS), unique=False)


def downgrade():
    op.drop_index('ix_leads_reporting', table_name='leads')
    op.create_index('ix_leads_reporting', 'leads', list(OLD_REPORTING_COLUMNS), unique=False)
    op.drop_index('ix_lead_sectors_reporting', table_name='lead_sectors')
    op.drop_column('leads', 'has_sector')
    for column in ('lead_registered_capital_usd', 'lead_owner_id', 'lead_source', 'lead_country',
                   'lead_received_at', 'lead_status'):
        op.drop_column('lead_sectors', column)
