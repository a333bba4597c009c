"""Form submissions: each sending of a public form by the key it carried, unique, so the same form
sent twice (at once, or again later) makes one lead.

Revision ID: 310cc57cf9cf
Revises: fad0ddabf1cd
Create Date: 2026-12-06 19:01:13.535119

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '310cc57cf9cf'
down_revision = 'fad0ddabf1cd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_form_submissions_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_submissions')),
    sa.UniqueConstraint('key', name=op.f('uq_form_submissions_key'))
    )
    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_submissions_lead_id'), ['lead_id'], unique=False)



def downgrade():
    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_submissions_lead_id'))

    op.drop_table('form_submissions')
