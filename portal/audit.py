"""The audit trail: who changed what, when, with the old and new values. One writer for
every feature, so a question like "who moved this lead?" has one place to look."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_login import current_user
from sqlalchemy import JSON, DateTime, ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.auth.models import User
from portal.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(String(40))
    #: {field: [old, new]}
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (db.Index("ix_audit_entries_entity", "entity", "entity_id"),)


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "id"):
        return value.id
    return value


def record(entity: str, entity_id: int, action: str, changes: dict[str, tuple[Any, Any]] | None = None,
           user_id: int | None = None) -> AuditEntry:
    """Add an audit entry to the session; it is committed with the change it describes."""
    entry = AuditEntry(**entry_values(entity, entity_id, action, changes, user_id))
    db.session.add(entry)
    return entry


def entry_values(entity: str, entity_id: int, action: str, changes: dict[str, tuple[Any, Any]] | None = None,
                 user_id: int | None = None) -> dict:
    """The columns of the entry ``record`` adds, for an INSERT of its own (the time is the database's)."""
    if user_id is None and current_user and current_user.is_authenticated:
        user_id = current_user.id
    return {"entity": entity, "entity_id": entity_id, "action": action, "user_id": user_id,
            "changes": {name: [_plain(old), _plain(new)] for name, (old, new) in (changes or {}).items()}}


def save_with_audit(model, item, values: dict, entity: str, user_id: int | None):
    """Create (``item`` is None) or update a record and record what changed; the caller commits."""
    created = item is None
    if created:
        item = model()
        db.session.add(item)
    changes = {}
    for name, value in values.items():
        old = getattr(item, name)
        if old != value:
            changes[name] = (old, value)
            setattr(item, name, value)
    db.session.flush()
    record(entity, item.id, "create" if created else "update", changes, user_id=user_id)
    return item


def history(entity: str, entity_id: int, limit: int = 50) -> list:
    """An item's audit entries, newest first, each with the name of who made it (or None)."""
    stmt = (select(AuditEntry, User.name).outerjoin(User, User.id == AuditEntry.user_id)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit))
    return db.session.execute(stmt).all()
