"""Outbox message ids: one ``Message-ID`` per e-mail, kept for every retry.

A sender that dies after the mail server accepted a message but before the outbox recorded it sends
it again later; with the same ``Message-ID`` the receiver can tell it is a repeat. Messages already
in the outbox get theirs now.

Revision ID: 5b1e0c7a9d24
Revises: 310cc57cf9cf
Create Date: 2026-12-06 19:30:00.000000

"""
from email.utils import make_msgid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e0c7a9d24'
down_revision = '310cc57cf9cf'
branch_labels = None
depends_on = None

outbox = sa.table("outbox", sa.column("id", sa.Integer), sa.column("message_id", sa.String))


def upgrade():
    op.add_column('outbox', sa.Column('message_id', sa.String(length=255), nullable=True))
    connection = op.get_bind()
    for (outbox_id,) in connection.execute(sa.select(outbox.c.id)).all():
        connection.execute(outbox.update().where(outbox.c.id == outbox_id)
                           .values(message_id=make_msgid(domain="invest-portal")))
    # ``outbox`` is referenced by no other table, so SQLite may rebuild it to make the column NOT NULL.
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('message_id', existing_type=sa.String(length=255), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_message_id'), ['message_id'])


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outbox_message_id'), type_='unique')
        batch_op.drop_column('message_id')
