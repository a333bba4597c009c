"""Outbox messages rendered when sent: a kind registered with ``compose.render_when_sent`` is queued
with its template context as JSON, and the sender renders subject and body from it, so a request that
receives an inquiry no longer renders its e-mails. Before a downgrade, send the outbox
(``flask outbox send``): a message still waiting for its rendering would go out empty.

Revision ID: c4d8e2f1a7b3
Revises: 5cdc34b22a86
Create Date: 2026-12-06 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d8e2f1a7b3'
down_revision = '5cdc34b22a86'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=True))


def downgrade():
    # Not in batch mode: SQLite drops a column in place (3.35+), without reflecting the leads table
    # this one refers to (whose expression index SQLAlchemy cannot reflect, and warns about)
    op.drop_column('outbox', 'context')
