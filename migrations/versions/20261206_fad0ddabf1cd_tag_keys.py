"""Tag keys: one tag whatever its case, on both databases.

SQLite's ``lower()`` folds ASCII letters only, so looking a tag up by ``lower(name)`` missed
"Điện tử" when it was typed again, and the new tag broke the unique name. Each tag now keeps its
name folded in Python (``portal.leads.rules.tags.tag_key``, a pure function), unique. Tags that
already differ only by case are merged into the oldest: its leads get the others' leads.

Revision ID: fad0ddabf1cd
Revises: 9196e932e9ab
Create Date: 2026-12-06 16:57:55.212511

"""
from alembic import op
import sqlalchemy as sa

from portal.leads.rules.tags import tag_key


# revision identifiers, used by Alembic.
revision = 'fad0ddabf1cd'
down_revision = '9196e932e9ab'
branch_labels = None
depends_on = None

tags = sa.table("tags", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("key", sa.String))
lead_tags = sa.table("lead_tags", sa.column("lead_id", sa.Integer), sa.column("tag_id", sa.Integer))


def _merge(connection, keep: int, duplicate: int) -> None:
    """The duplicate's leads move to the tag kept (unless they have it already), then it goes."""
    tagged = set(connection.scalars(sa.select(lead_tags.c.lead_id).where(lead_tags.c.tag_id == keep)))
    for lead_id in connection.scalars(sa.select(lead_tags.c.lead_id).where(lead_tags.c.tag_id == duplicate)).all():
        if lead_id not in tagged:
            connection.execute(lead_tags.insert().values(lead_id=lead_id, tag_id=keep))
    connection.execute(lead_tags.delete().where(lead_tags.c.tag_id == duplicate))
    connection.execute(tags.delete().where(tags.c.id == duplicate))


def upgrade():
    # Added in place, never by rebuilding ``tags``: on SQLite a rebuild drops the old table, and
    # with foreign keys on that deletes every lead's tags (ON DELETE CASCADE).
    op.add_column('tags', sa.Column('key', sa.String(length=120), nullable=False, server_default=''))

    connection = op.get_bind()
    kept: dict[str, int] = {}
    for tag_id, name in connection.execute(sa.select(tags.c.id, tags.c.name).order_by(tags.c.id)).all():
        key = tag_key(name)
        if key in kept:
            _merge(connection, kept[key], tag_id)
        else:
            kept[key] = tag_id
            connection.execute(tags.update().where(tags.c.id == tag_id).values(key=key))

    op.create_index(op.f('ix_tags_key'), 'tags', ['key'], unique=True)


def downgrade():
    op.drop_index(op.f('ix_tags_key'), table_name='tags')
    op.drop_column('tags', 'key')  # in place too (SQLite 3.35+), keeping the leads' tags
