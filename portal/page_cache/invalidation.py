"""When the published content changes, every cached page goes: a new generation once the change
commits. Coarse on purpose: edits come a few times a week, and a page that shows a park also shows
its projects, sectors and key figures, so working out which pages one edit touches would be
fragile for no real gain."""
from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

#: Tables whose rows show on public pages.
CONTENT_TABLES = frozenset({
    "sectors", "locations", "industrial_parks", "park_texts", "investment_projects", "project_texts",
    "slug_redirects", "media_files", "key_figures",
    "park_target_sectors", "exchange_rates",
})
CHANGED = "page_cache_content_changed"

log = logging.getLogger("portal.page_cache")


def _touches_content(objects) -> bool:
    return any(getattr(getattr(obj, "__table__", None), "name", None) in CONTENT_TABLES for obj in objects)


def note_flushed_changes(session: Session, _flush_context) -> None:
    if _touches_content(session.new) or _touches_content(session.dirty) or _touches_content(session.deleted):
        session.info[CHANGED] = True


def note_bulk_statements(state) -> None:
    """``update()``/``delete()``/``insert()`` statements bypass the flush: look at their table."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in CONTENT_TABLES:
        state.session.info[CHANGED] = True


def bump_after_commit(session: Session) -> None:
    if session.info.pop(CHANGED, False) and has_app_context():
        store = current_app.extensions.get("page_cache")
        if store is None:
            return
        try:
            store.bump()
        except Exception:  # the change is kept; pages may lag until the cache is back or they expire
            log.exception("page cache: could not start a new generation")


def forget_changes(session: Session, *_args) -> None:
    session.info.pop(CHANGED, None)


def listen_to_commits() -> None:
    for name, listener in (("after_flush", note_flushed_changes), ("do_orm_execute", note_bulk_statements),
                           ("after_commit", bump_after_commit), ("after_rollback", forget_changes)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
