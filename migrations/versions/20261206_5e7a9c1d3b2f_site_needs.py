"""The site needs an investor sends from the site finder, one row per lead, as fields staff read.

Revision ID: 5e7a9c1d3b2f
Revises: d5a9f3c2b8e1
Create Date: 2026-12-06 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e7a9c1d3b2f'
down_revision = 'd5a9f3c2b8e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'site_needs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.Column('sector_id', sa.Integer(), nullable=True),
        sa.Column('land_ha', sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column('floor_m2', sa.Numeric(precision=12, scale=1), nullable=True),
        sa.Column('power_mva', sa.Numeric(precision=10, scale=1), nullable=True),
        sa.Column('water_m3_day', sa.Numeric(precision=12, scale=1), nullable=True),
        sa.Column('max_seaport_km', sa.Numeric(precision=7, scale=1), nullable=True),
        sa.Column('max_airport_km', sa.Numeric(precision=7, scale=1), nullable=True),
        sa.Column('max_centre_km', sa.Numeric(precision=7, scale=1), nullable=True),
        sa.Column('budget_usd', sa.BigInteger(), nullable=True),
        sa.Column('start', sa.String(length=20), nullable=False),
        sa.Column('stated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_site_needs_lead_id_leads'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sector_id'], ['sectors.id'], name=op.f('fk_site_needs_sector_id_sectors'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_needs')),
        sa.UniqueConstraint('lead_id', name=op.f('uq_site_needs_lead_id')),
    )
    with op.batch_alter_table('site_needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_needs_sector_id'), ['sector_id'], unique=False)


def downgrade():
    op.drop_table('site_needs')
