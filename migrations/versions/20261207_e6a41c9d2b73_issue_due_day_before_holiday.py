"""An investor's issue keeps the due day as it was set while a holiday recorded on it later moves it
to the next working day (removing the holiday moves it back); the issue's history says when a
holiday moved it.

Plain ADD COLUMN, no batch copy: on SQLite, copying ``investor_issues`` into a new table would
delete every issue's notes (ON DELETE CASCADE) when the old table is dropped.

Revision ID: e6a41c9d2b73
Revises: dfb85aadc6ce
Create Date: 2026-12-07 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6a41c9d2b73'
down_revision = 'dfb85aadc6ce'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('investor_issues', sa.Column('due_on_before_holiday', sa.Date(), nullable=True))
    op.create_index(op.f('ix_investor_issues_due_on_before_holiday'), 'investor_issues', ['due_on_before_holiday'],
                    unique=False)
    op.add_column('investor_issue_notes', sa.Column('due_from', sa.Date(), nullable=True))
    op.add_column('investor_issue_notes', sa.Column('due_to', sa.Date(), nullable=True))


def downgrade():
    op.drop_column('investor_issue_notes', 'due_to')
    op.drop_column('investor_issue_notes', 'due_from')
    op.drop_index(op.f('ix_investor_issues_due_on_before_holiday'), table_name='investor_issues')
    op.drop_column('investor_issues', 'due_on_before_holiday')
