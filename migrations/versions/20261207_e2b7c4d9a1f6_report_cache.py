"""Reports at 100,000 leads, second part: a token that changes with every commit that can move a
figure (``report_data_version``), under which the reports keep their costly figures; and the
indexes their follow-up and reply figures read alone: each lead's activities by kind and time,
each lead's follow-up tasks done, and the replies among the activities.

Revision ID: e2b7c4d9a1f6
Revises: e6a41c9d2b73
Create Date: 2026-12-07 07:15:00

"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2b7c4d9a1f6'
down_revision = 'e6a41c9d2b73'
branch_labels = None
depends_on = None


def upgrade():
    version = op.create_table(
        'report_data_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_data_version')),
    )
    op.bulk_insert(version, [{'id': 1, 'token': uuid.uuid4().hex}])
    op.create_index('ix_activities_lead_kind_created_at', 'activities', ['lead_id', 'kind', 'created_at'])
    op.create_index('ix_activities_kind_lead_created_at', 'activities', ['kind', 'lead_id', 'created_at'])
    op.create_index('ix_tasks_lead_follow_up_done_at', 'tasks', ['lead_id', 'follow_up', 'done_at'])


def downgrade():
    op.drop_index('ix_tasks_lead_follow_up_done_at', table_name='tasks')
    op.drop_index('ix_activities_kind_lead_created_at', table_name='activities')
    op.drop_index('ix_activities_lead_kind_created_at', table_name='activities')
    op.drop_table('report_data_version')
