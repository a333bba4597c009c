"""Reports at 100,000 leads, fourth part: a token per family of kept figures (the passes over the
leads, the time in each stage, the answers to replies), so that a change recomputes only the figures
it can move: row 1 of ``report_data_version`` keeps the passes' token, rows 2 and 3 are new. A
table emptied around the session gets its rows back from ``report_version.ensure_row``.

Revision ID: b3f8d2a6c419
Revises: 9d4b2e7c1a53
Create Date: 2026-12-07 09:55:00

"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f8d2a6c419'
down_revision = '9d4b2e7c1a53'
branch_labels = None
depends_on = None

version = sa.table('report_data_version', sa.column('id', sa.Integer), sa.column('token', sa.String))
NEW_ROWS = (2, 3)


def upgrade():
    op.execute(version.delete().where(version.c.id.in_(NEW_ROWS)))
    op.bulk_insert(version, [{'id': row, 'token': uuid.uuid4().hex} for row in NEW_ROWS])
    # Figures kept under row 1's token before this release are those of every family: renewed
    op.execute(version.update().where(version.c.id == 1).values(token=uuid.uuid4().hex))


def downgrade():
    op.execute(version.delete().where(version.c.id.in_(NEW_ROWS)))
    op.execute(version.update().where(version.c.id == 1).values(token=uuid.uuid4().hex))
