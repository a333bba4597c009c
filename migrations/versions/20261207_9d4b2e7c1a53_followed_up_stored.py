"""Reports at 100,000 leads, third part: each lead stores whether it was followed up after its first
answer (an e-mail to the investor after it, or its automatic follow-up task done), kept by the
session (``portal.leads.models.report_facts``), in the reports' index: the follow-ups figure reads
that index alone instead of looking up every answered lead's e-mails and tasks. Existing leads get
theirs now.

Revision ID: 9d4b2e7c1a53
Revises: e2b7c4d9a1f6
Create Date: 2026-12-07 08:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d4b2e7c1a53'
down_revision = 'e2b7c4d9a1f6'
branch_labels = None
depends_on = None

OLD_REPORTING_COLUMNS = ("created_at", "status", "source", "country", "preferred_language", "owner_id",
                         "referrer_id", "event_id", "lost_reason_id", "received_month", "response_seconds",
                         "reached_position", "first_responded_at", "first_response_due", "registered_capital_usd",
                         "has_sector", "id")
NEW_REPORTING_COLUMNS = (*OLD_REPORTING_COLUMNS[:-1], "followed_up", "id")

leads = sa.table('leads', sa.column('id', sa.Integer), sa.column('first_responded_at', sa.DateTime(timezone=True)),
                 sa.column('followed_up', sa.Boolean))
activities = sa.table('activities', sa.column('lead_id', sa.Integer), sa.column('kind', sa.String),
                      sa.column('created_at', sa.DateTime(timezone=True)))
tasks = sa.table('tasks', sa.column('lead_id', sa.Integer), sa.column('follow_up', sa.Boolean),
                 sa.column('done_at', sa.DateTime(timezone=True)))


def upgrade():
    op.add_column('leads', sa.Column('followed_up', sa.Boolean(), server_default=sa.false(), nullable=False))
    # As ``report_facts.followed_up`` has it at this revision
    later_email = sa.exists().where(activities.c.lead_id == leads.c.id, activities.c.kind == 'email',
                                    activities.c.created_at > leads.c.first_responded_at)
    task_done = sa.exists().where(tasks.c.lead_id == leads.c.id, tasks.c.follow_up.is_(True),
                                  tasks.c.done_at.is_not(None))
    op.execute(leads.update().where(leads.c.first_responded_at.is_not(None), sa.or_(later_email, task_done))
               .values(followed_up=True))
    op.drop_index('ix_leads_reporting', table_name='leads')
    op.create_index('ix_leads_reporting', 'leads', list(NEW_REPORTING_COLUMNS), unique=False)


def downgrade():
    op.drop_index('ix_leads_reporting', table_name='leads')
    op.create_index('ix_leads_reporting', 'leads', list(OLD_REPORTING_COLUMNS), unique=False)
    op.drop_column('leads', 'followed_up')
