"""Follow-ups: the automatic follow-up task after the first answer, and follow-up e-mails scheduled
for later (an outbox row sent at its time, unless the investor replies first).

Revision ID: c9e4a2f7b1d5
Revises: b3d8f1a6c4e2
Create Date: 2026-12-07 01:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9e4a2f7b1d5'
down_revision = 'b3d8f1a6c4e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scheduled_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.Column('outbox_id', sa.Integer(), nullable=False),
        sa.Column('send_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('template', sa.String(length=30), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('cancelled_because', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_scheduled_messages_created_by_id_users')),
        sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_scheduled_messages_lead_id_leads'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_scheduled_messages_outbox_id_outbox'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_messages')),
        sa.UniqueConstraint('outbox_id', name=op.f('uq_scheduled_messages_outbox_id')),
    )
    op.create_index(op.f('ix_scheduled_messages_lead_id'), 'scheduled_messages', ['lead_id'], unique=False)
    # Not in batch mode: SQLite adds (and drops) a column in place
    op.add_column('tasks', sa.Column('follow_up', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    op.drop_column('tasks', 'follow_up')
    op.drop_index(op.f('ix_scheduled_messages_lead_id'), table_name='scheduled_messages')
    op.drop_table('scheduled_messages')
