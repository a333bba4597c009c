"""Stays in a stage: each stage change knows when the lead left that stage (the next change's
moment), so the reports' time in each stage reads one row per stay instead of ordering every
lead's history. Existing histories get theirs now.

Revision ID: 5cdc34b22a86
Revises: c4d8e2f1a6b3
Create Date: 2026-12-06 20:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5cdc34b22a86'
down_revision = 'c4d8e2f1a6b3'
branch_labels = None
depends_on = None

#: The next change of the same lead, by moment then id (``portal.leads.models.upkeep``).
FILL_LEFT_AT = """
UPDATE stage_changes SET left_at = (
    SELECT following.changed_at FROM stage_changes AS following
    WHERE following.lead_id = stage_changes.lead_id
      AND (following.changed_at > stage_changes.changed_at
           OR (following.changed_at = stage_changes.changed_at AND following.id > stage_changes.id))
    ORDER BY following.changed_at, following.id LIMIT 1)
"""


def upgrade():
    op.add_column('stage_changes', sa.Column('left_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(FILL_LEFT_AT)


def downgrade():
    op.drop_column('stage_changes', 'left_at')
