"""Exchange rates for the cost estimates: VND per USD with the day it applies from, its source,
who recorded it and when. Public park pages show VND amounts only from such a record.

Revision ID: e7a1c3b5d9f2
Revises: c4d8e2f1a7b3
Create Date: 2026-12-06 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a1c3b5d9f2'
down_revision = 'c4d8e2f1a7b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'exchange_rates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('vnd_per_usd', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('applies_from', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=255), nullable=False),
        sa.Column('set_by_id', sa.Integer(), nullable=True),
        sa.Column('set_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_exchange_rates_set_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_rates')),
    )
    with op.batch_alter_table('exchange_rates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_rates_applies_from'), ['applies_from'], unique=False)


def downgrade():
    with op.batch_alter_table('exchange_rates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_rates_applies_from'))
    op.drop_table('exchange_rates')
