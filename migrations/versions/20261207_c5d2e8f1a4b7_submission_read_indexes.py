"""What a submission reads before it writes, from indexes alone, whatever the size of the pipeline.
Assigning a new lead counts, for each officer who may get it, the open leads they own:
``ix_leads_owner_status`` (owner, status) answers that from the index, and replaces
``ix_leads_owner_id``, whose lookups it serves as well. Finding the address's open lead:
``ix_leads_email_status_last_message`` replaces ``ix_leads_email_normalized``, which SQLite passed
over for the status index, reading every open lead for each submission.

Revision ID: c5d2e8f1a4b7
Revises: b3f8d2a6c419
Create Date: 2026-12-07 13:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c5d2e8f1a4b7'
down_revision = 'b3f8d2a6c419'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_leads_owner_status', 'leads', ['owner_id', 'status'], unique=False)
    op.drop_index('ix_leads_owner_id', table_name='leads')
    op.create_index('ix_leads_email_status_last_message', 'leads', ['email_normalized', 'status', 'last_message_at'],
                    unique=False)
    op.drop_index('ix_leads_email_normalized', table_name='leads')


def downgrade():
    op.create_index('ix_leads_email_normalized', 'leads', ['email_normalized'], unique=False)
    op.drop_index('ix_leads_email_status_last_message', table_name='leads')
    op.create_index('ix_leads_owner_id', 'leads', ['owner_id'], unique=False)
    op.drop_index('ix_leads_owner_status', table_name='leads')
