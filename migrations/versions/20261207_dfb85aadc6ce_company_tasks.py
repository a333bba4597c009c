"""Tasks belong to a lead or to an investor company: a visit's follow-up becomes a real task.

Each visit's follow-up text and due day move into a task of its company, linked to the visit and
given to the visit's author if still active, else to the company's account officer if active; its
due day is the one typed, else the visit's day (a promise without a date was due from then on).
A follow-up nobody active can take, or longer than a task's title, is also written at the end of
the visit's summary, so no word is lost. Then the two visit columns go.

Revision ID: dfb85aadc6ce
Revises: d5a1c7e3f9b4
Create Date: 2026-12-07 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dfb85aadc6ce'
down_revision = 'd5a1c7e3f9b4'
branch_labels = None
depends_on = None

TITLE_LENGTH = 200
LEAD_OR_COMPANY = "(lead_id IS NULL AND company_id IS NOT NULL) OR (lead_id IS NOT NULL AND company_id IS NULL)"

tasks = sa.table('tasks', sa.column('id', sa.Integer), sa.column('lead_id', sa.Integer),
                 sa.column('company_id', sa.Integer), sa.column('visit_id', sa.Integer),
                 sa.column('title', sa.String), sa.column('due_date', sa.Date), sa.column('assignee_id', sa.Integer),
                 sa.column('created_by_id', sa.Integer), sa.column('follow_up', sa.Boolean))
visits = sa.table('company_visits', sa.column('id', sa.Integer), sa.column('company_id', sa.Integer),
                  sa.column('visited_on', sa.Date), sa.column('summary', sa.Text), sa.column('user_id', sa.Integer),
                  sa.column('follow_up', sa.String), sa.column('follow_up_due', sa.Date))
companies = sa.table('companies', sa.column('id', sa.Integer), sa.column('owner_id', sa.Integer))
users = sa.table('users', sa.column('id', sa.Integer), sa.column('active', sa.Boolean))


def _kept_in_summary(summary: str, text: str, due) -> str:
    return f"{summary}\n\nFollow-up: {text}" + (f" ({due.isoformat()})" if due else "")


def _move_follow_ups_into_tasks(conn) -> None:
    active = {row.id for row in conn.execute(sa.select(users.c.id).where(users.c.active.is_(True)))}
    owners = dict(conn.execute(sa.select(companies.c.id, companies.c.owner_id)).all())
    rows = conn.execute(sa.select(visits).where(visits.c.follow_up != '').order_by(visits.c.id)).all()
    for visit in rows:
        text = visit.follow_up.strip()
        if not text:
            continue
        assignee = next((user for user in (visit.user_id, owners.get(visit.company_id)) if user in active), None)
        fits = len(text) <= TITLE_LENGTH
        if assignee is not None:
            conn.execute(tasks.insert().values(
                company_id=visit.company_id, visit_id=visit.id, title=text if fits else text[:TITLE_LENGTH - 1] + "…",
                due_date=visit.follow_up_due or visit.visited_on, assignee_id=assignee,
                created_by_id=visit.user_id, follow_up=False))
        if assignee is None or not fits:
            conn.execute(visits.update().where(visits.c.id == visit.id).values(
                summary=_kept_in_summary(visit.summary, text, visit.follow_up_due)))


def _tasks_in_batch():
    """SQLite copies ``tasks`` into a new table (a column's NULL and a CHECK cannot change in place);
    its foreign keys' tables are not reflected with it (``leads`` has an expression index
    SQLAlchemy cannot reflect, and warns about)."""
    return op.batch_alter_table('tasks', schema=None, reflect_kwargs={'resolve_fks': False})


def upgrade():
    with _tasks_in_batch() as batch_op:
        batch_op.alter_column('lead_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('company_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('visit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_tasks_company_id_companies'), 'companies', ['company_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_tasks_visit_id_company_visits'), 'company_visits', ['visit_id'],
                                    ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_tasks_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_visit_id'), ['visit_id'], unique=False)
        batch_op.create_check_constraint('lead_or_company', LEAD_OR_COMPANY)

    _move_follow_ups_into_tasks(op.get_bind())

    # Not in batch mode: SQLite drops a column in place (3.35+); copying company_visits into a new
    # table would set every task's visit_id to NULL when the old one is dropped
    op.drop_index(op.f('ix_company_visits_follow_up_due'), table_name='company_visits')
    op.drop_column('company_visits', 'follow_up_due')
    op.drop_column('company_visits', 'follow_up')


def downgrade():
    op.add_column('company_visits', sa.Column('follow_up', sa.String(length=500), nullable=False, server_default=''))
    op.add_column('company_visits', sa.Column('follow_up_due', sa.Date(), nullable=True))
    op.create_index(op.f('ix_company_visits_follow_up_due'), 'company_visits', ['follow_up_due'], unique=False)

    conn = op.get_bind()
    first = (sa.select(tasks.c.visit_id, sa.func.min(tasks.c.id).label('task_id'))
             .where(tasks.c.visit_id.is_not(None)).group_by(tasks.c.visit_id).subquery())
    for visit_id, title, due in conn.execute(sa.select(first.c.visit_id, tasks.c.title, tasks.c.due_date)
                                             .join(tasks, tasks.c.id == first.c.task_id)).all():
        conn.execute(visits.update().where(visits.c.id == visit_id).values(follow_up=title, follow_up_due=due))
    conn.execute(tasks.delete().where(tasks.c.company_id.is_not(None)))

    with _tasks_in_batch() as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_tasks_lead_or_company'), type_='check')
        batch_op.drop_index(batch_op.f('ix_tasks_visit_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_company_id'))
        batch_op.drop_constraint(batch_op.f('fk_tasks_visit_id_company_visits'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_tasks_company_id_companies'), type_='foreignkey')
        batch_op.drop_column('visit_id')
        batch_op.drop_column('company_id')
        batch_op.alter_column('lead_id', existing_type=sa.Integer(), nullable=False)
