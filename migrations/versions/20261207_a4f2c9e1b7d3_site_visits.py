"""Site visits planned for an investor (the parks in order, with times) and the calendar invitation
an outbox message carries.

Revision ID: a4f2c9e1b7d3
Revises: c9e4a2f7b1d5
Create Date: 2026-12-07 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4f2c9e1b7d3'
down_revision = 'c9e4a2f7b1d5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'site_visits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.Column('uid', sa.String(length=255), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('meeting_point', sa.String(length=300), nullable=False),
        sa.Column('guide_language', sa.String(length=5), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('uid'),
    )
    op.create_index('ix_site_visits_lead_id', 'site_visits', ['lead_id'])
    op.create_index('ix_site_visits_user_id', 'site_visits', ['user_id'])
    op.create_table(
        'site_visit_stops',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('visit_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('park_id', sa.Integer(), nullable=False),
        sa.Column('arrives_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['visit_id'], ['site_visits.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['park_id'], ['industrial_parks.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_site_visit_stops_visit_id', 'site_visit_stops', ['visit_id'])
    op.create_index('ix_site_visit_stops_park_id', 'site_visit_stops', ['park_id'])
    # Not in batch mode: SQLite adds a column in place
    op.add_column('outbox', sa.Column('calendar', sa.Text(), nullable=True))


def downgrade():
    op.drop_column('outbox', 'calendar')
    op.drop_index('ix_site_visit_stops_park_id', table_name='site_visit_stops')
    op.drop_index('ix_site_visit_stops_visit_id', table_name='site_visit_stops')
    op.drop_table('site_visit_stops')
    op.drop_index('ix_site_visits_user_id', table_name='site_visits')
    op.drop_index('ix_site_visits_lead_id', table_name='site_visits')
    op.drop_table('site_visits')
