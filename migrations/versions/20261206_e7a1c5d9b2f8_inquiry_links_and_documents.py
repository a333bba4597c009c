"""The investor follows their inquiry: private links to /<lang>/my-inquiry (only the token's hash
kept, with its expiry) and the documents investors add there.

Revision ID: e7a1c5d9b2f8
Revises: e7a1c3b5d9f2
Create Date: 2026-12-06 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a1c5d9b2f8'
down_revision = 'e7a1c3b5d9f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'inquiry_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_inquiry_links_lead_id_leads'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiry_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_inquiry_links_token_hash')),
    )
    op.create_index(op.f('ix_inquiry_links_lead_id'), 'inquiry_links', ['lead_id'], unique=False)
    op.create_table(
        'investor_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('stored_name', sa.String(length=80), nullable=False),
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=60), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['activity_id'], ['activities.id'],
                                name=op.f('fk_investor_documents_activity_id_activities'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_investor_documents_lead_id_leads'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_investor_documents')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_investor_documents_stored_name')),
    )
    op.create_index(op.f('ix_investor_documents_activity_id'), 'investor_documents', ['activity_id'], unique=False)
    op.create_index(op.f('ix_investor_documents_lead_id'), 'investor_documents', ['lead_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_investor_documents_lead_id'), table_name='investor_documents')
    op.drop_index(op.f('ix_investor_documents_activity_id'), table_name='investor_documents')
    op.drop_table('investor_documents')
    op.drop_index(op.f('ix_inquiry_links_lead_id'), table_name='inquiry_links')
    op.drop_table('inquiry_links')
