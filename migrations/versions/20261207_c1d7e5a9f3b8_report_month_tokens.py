"""Reports at 100,000 leads, fifth part: a token per family and month received
(``report_month_version``), so that a change to a lead received in one month recomputes only that
month's piece of the kept figures. The family tokens of ``report_data_version`` now change only
with changes whose months are unknown; figures kept before this release are renewed.

Revision ID: c1d7e5a9f3b8
Revises: c5d2e8f1a4b7
Create Date: 2026-12-07 14:20:00

"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1d7e5a9f3b8'
down_revision = 'c5d2e8f1a4b7'
branch_labels = None
depends_on = None

version = sa.table('report_data_version', sa.column('id', sa.Integer), sa.column('token', sa.String))


def _renew_every_family():
    for row in (1, 2, 3):
        op.execute(version.update().where(version.c.id == row).values(token=uuid.uuid4().hex))


def upgrade():
    op.create_table(
        'report_month_version',
        sa.Column('family', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('family', 'month', name=op.f('pk_report_month_version')),
    )
    _renew_every_family()


def downgrade():
    op.drop_table('report_month_version')
    _renew_every_family()
