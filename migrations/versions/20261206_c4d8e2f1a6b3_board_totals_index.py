"""The board's counts and sums per stage read an index alone: open leads by stage with their
estimated investment (ix_leads_board_totals), never the wide rows of 60,000 open leads.

Revision ID: c4d8e2f1a6b3
Revises: b7e3c1a9d2f4
Create Date: 2026-12-06 20:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4d8e2f1a6b3'
down_revision = 'b7e3c1a9d2f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_leads_board_totals', 'leads', ['status', 'stage_id', 'estimated_investment_usd'],
                    unique=False)
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's planner guesses for an index its statistics do not know yet, and then prefers
        # this one for every "status = ?" query (the list by next step took 300 ms instead of 1)
        op.execute("ANALYZE leads")


def downgrade():
    op.drop_index('ix_leads_board_totals', table_name='leads')
