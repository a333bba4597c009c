"""Replies read from the centre's mailbox, and "investor replied, waiting for us" on the lead.

Revision ID: b3d8f1a6c4e2
Revises: b7e2a4c6d8f1
Create Date: 2026-12-06 23:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3d8f1a6c4e2'
down_revision = 'b7e2a4c6d8f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mailbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.String(length=255), nullable=False),
        sa.Column('folder', sa.String(length=100), nullable=False),
        sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
        sa.Column('uid', sa.BigInteger(), nullable=False),
        sa.Column('sender', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('matched_by', sa.String(length=20), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=True),
        sa.Column('raw', sa.LargeBinary(), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_mailbox_messages_lead_id_leads'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mailbox_messages')),
        sa.UniqueConstraint('message_id', name=op.f('uq_mailbox_messages_message_id')),
        sa.UniqueConstraint('folder', 'uidvalidity', 'uid', name='uq_mailbox_messages_uid'),
    )
    with op.batch_alter_table('mailbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mailbox_messages_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mailbox_messages_status'), ['status'], unique=False)
    # Not in batch mode: SQLite adds (and drops) a column in place, without reflecting the leads table
    op.add_column('leads', sa.Column('investor_replied_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_leads_investor_replied_at'), 'leads', ['investor_replied_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_leads_investor_replied_at'), table_name='leads')
    op.drop_column('leads', 'investor_replied_at')
    op.drop_table('mailbox_messages')
