"""Staff pages at 100,000 leads: the next open task's due date on the lead, folded search texts
with a text index (pg_trgm GIN on PostgreSQL, an FTS5 trigram table kept by triggers on SQLite),
and indexes for the list's usual orders, the board and the reports.

Revision ID: b7e3c1a9d2f4
Revises: 5b1e0c7a9d24
Create Date: 2026-12-06 19:20:00

"""
from alembic import op
import sqlalchemy as sa

from portal.leads.rules.matching import search_texts


# revision identifiers, used by Alembic.
revision = 'b7e3c1a9d2f4'
down_revision = '5b1e0c7a9d24'
branch_labels = None
depends_on = None

REPORTING_COLUMNS = ("created_at", "status", "source", "country", "preferred_language", "owner_id", "referrer_id",
                     "event_id", "lost_reason_id", "last_open_stage_id", "first_responded_at", "first_response_due",
                     "registered_capital_usd", "id")

leads = sa.table("leads", sa.column("id", sa.Integer), sa.column("company", sa.String),
                 sa.column("reference", sa.String), sa.column("name", sa.String),
                 sa.column("email_normalized", sa.String), sa.column("message", sa.Text),
                 sa.column("phone", sa.String), sa.column("search_public", sa.Text),
                 sa.column("search_contact", sa.Text))

SQLITE_TRIGGERS = (
    """CREATE TRIGGER leads_search_insert AFTER INSERT ON leads BEGIN
         INSERT INTO leads_search(rowid, search_public, search_contact)
         VALUES (new.id, new.search_public, new.search_contact);
       END""",
    """CREATE TRIGGER leads_search_delete AFTER DELETE ON leads BEGIN
         INSERT INTO leads_search(leads_search, rowid, search_public, search_contact)
         VALUES ('delete', old.id, old.search_public, old.search_contact);
       END""",
    """CREATE TRIGGER leads_search_update AFTER UPDATE OF search_public, search_contact ON leads BEGIN
         INSERT INTO leads_search(leads_search, rowid, search_public, search_contact)
         VALUES ('delete', old.id, old.search_public, old.search_contact);
         INSERT INTO leads_search(rowid, search_public, search_contact)
         VALUES (new.id, new.search_public, new.search_contact);
       END""",
)


def _fill_search_texts(connection) -> None:
    columns = (leads.c.id, leads.c.company, leads.c.reference, leads.c.name, leads.c.email_normalized,
               leads.c.message, leads.c.phone)
    last = 0
    while True:
        rows = connection.execute(sa.select(*columns).where(leads.c.id > last).order_by(leads.c.id)
                                  .limit(2000)).all()
        if not rows:
            return
        for lead_id, *texts in rows:
            public, contact = search_texts(*texts)
            connection.execute(leads.update().where(leads.c.id == lead_id)
                               .values(search_public=public, search_contact=contact))
        last = rows[-1][0]


def upgrade():
    op.add_column('leads', sa.Column('next_due', sa.Date(), nullable=True))
    op.add_column('leads', sa.Column('search_public', sa.Text(), nullable=False, server_default=''))
    op.add_column('leads', sa.Column('search_contact', sa.Text(), nullable=False, server_default=''))
    connection = op.get_bind()
    connection.execute(sa.text(
        "UPDATE leads SET next_due = (SELECT min(tasks.due_date) FROM tasks "
        "WHERE tasks.lead_id = leads.id AND tasks.done_at IS NULL)"))
    _fill_search_texts(connection)

    op.create_index('ix_leads_status_created_at', 'leads', ['status', 'created_at'], unique=False)
    op.create_index('ix_leads_status_priority', 'leads', ['status', 'priority_score'], unique=False)
    op.create_index('ix_leads_stage_created_at', 'leads', ['stage_id', 'created_at'], unique=False)
    # The reports: every column they group and count by after the date, so they read the index alone
    op.create_index('ix_leads_reporting', 'leads', list(REPORTING_COLUMNS), unique=False)
    op.create_index('ix_stage_changes_history', 'stage_changes', ['lead_id', 'changed_at', 'id', 'to_stage_id'],
                    unique=False)
    # The list's next-step order as written in portal.leads.queries: open leads, planned ones first
    op.execute("CREATE INDEX ix_leads_next_step ON leads (status, (next_due IS NULL), next_due, id DESC)")
    if connection.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in ("search_public", "search_contact"):
            op.execute(f"CREATE INDEX ix_leads_{column}_trgm ON leads USING gin ({column} gin_trgm_ops)")
    else:
        op.execute("CREATE VIRTUAL TABLE leads_search USING fts5(search_public, search_contact, "
                   "content='leads', content_rowid='id', tokenize='trigram')")
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
        op.execute("INSERT INTO leads_search(leads_search) VALUES ('rebuild')")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_leads_search_contact_trgm', table_name='leads')
        op.drop_index('ix_leads_search_public_trgm', table_name='leads')
    else:
        for trigger in ("leads_search_insert", "leads_search_delete", "leads_search_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS leads_search")
    op.drop_index('ix_leads_next_step', table_name='leads')
    op.drop_index('ix_stage_changes_history', table_name='stage_changes')
    op.drop_index('ix_leads_reporting', table_name='leads')
    op.drop_index('ix_leads_stage_created_at', table_name='leads')
    op.drop_index('ix_leads_status_priority', table_name='leads')
    op.drop_index('ix_leads_status_created_at', table_name='leads')
    op.drop_column('leads', 'search_contact')
    op.drop_column('leads', 'search_public')
    op.drop_column('leads', 'next_due')
