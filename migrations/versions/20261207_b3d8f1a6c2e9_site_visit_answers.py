"""The investor's answer to a site-visit invitation (the PARTSTAT of their calendar's iTIP REPLY):
which answer, when, and the SEQUENCE of the invitation it answered.

Revision ID: b3d8f1a6c2e9
Revises: 3c5e8a1f9b27
Create Date: 2026-12-07 02:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3d8f1a6c2e9'
down_revision = '3c5e8a1f9b27'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('site_visits', sa.Column('answer', sa.String(length=12), nullable=False, server_default=''))
    op.add_column('site_visits', sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('site_visits', sa.Column('answer_sequence', sa.Integer(), nullable=True))


def downgrade():
    for column in ('answer_sequence', 'answered_at', 'answer'):
        op.drop_column('site_visits', column)
