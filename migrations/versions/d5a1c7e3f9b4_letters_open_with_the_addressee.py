"""Reply templates open with ``{addressee}``: the greeting each language's letters use, with the
company where Japanese and Korean letters name it. Stored templates that still open with the old
greeting line get the placeholder instead; templates staff rewrote otherwise are left as they are.

Revision ID: d5a1c7e3f9b4
Revises: b3d8f1a6c2e9
Create Date: 2026-12-07 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5a1c7e3f9b4'
down_revision = 'b3d8f1a6c2e9'
branch_labels = None
depends_on = None

#: The opening lines the default templates had, per language.
OLD_OPENINGS = {"en": "Dear {investor_name},", "vi": "Kính gửi {investor_name},", "ko": "{investor_name} 님께,",
                "ja": "{investor_name} 様"}
NEW_OPENING = "{addressee}"

templates = sa.table("reply_templates", sa.column("id", sa.Integer), sa.column("lang", sa.String),
                     sa.column("body", sa.Text))


def _swap(old_of, new_of):
    connection = op.get_bind()
    for row in connection.execute(sa.select(templates.c.id, templates.c.lang, templates.c.body)):
        old, new = old_of(row.lang), new_of(row.lang)
        if old and row.body.startswith(old + "\n"):
            connection.execute(templates.update().where(templates.c.id == row.id)
                               .values(body=new + row.body[len(old):]))


def upgrade():
    _swap(OLD_OPENINGS.get, lambda lang: NEW_OPENING)


def downgrade():
    _swap(lambda lang: NEW_OPENING if lang in OLD_OPENINGS else None, OLD_OPENINGS.get)
