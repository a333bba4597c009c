"""The indexes behind the staff lead list that SQLAlchemy's models cannot describe: on
PostgreSQL trigram (``pg_trgm``) GIN indexes on the folded search texts; on SQLite an FTS5
table with the trigram tokenizer, kept by triggers on ``leads``; on both, the expression index
the next-step order reads. The migration b7e3c1a9d2f4 creates them; autogenerate
and the schema test leave them alone by name (``include_name``).

Note for later migrations on SQLite: rebuilding ``leads`` (a batch "move and copy") drops its
triggers; create them again (``SQLITE_TRIGGERS``) and rebuild the FTS table."""
from __future__ import annotations

#: The FTS5 table and the shadow tables SQLite keeps for it.
SQLITE_TABLE = "leads_search"
_SQLITE_TABLES = {SQLITE_TABLE, *(f"{SQLITE_TABLE}_{part}" for part in ("data", "idx", "docsize", "config",
                                                                        "content"))}
#: Indexes created by hand, not in the models.
INDEXES = {"ix_leads_next_step", "ix_leads_search_public_trgm", "ix_leads_search_contact_trgm"}


def include_name(name: str | None, type_: str, _parent_names) -> bool:
    """For Alembic's ``include_name``: everything except the objects above."""
    if type_ == "table":
        return name not in _SQLITE_TABLES
    if type_ == "index":
        return name not in INDEXES
    return True
