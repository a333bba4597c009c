"""``/healthz`` and ``/readyz``, for load balancers and operators.

``/healthz`` only says the process answers, so a supervisor restarts a hung worker and nothing
else; ``/readyz`` says whether this instance can do its work: the database answers, its schema is
the one the code expects, and the outbox is being sent. Both answer in JSON, are never cached, set
no cookie and are never rate limited: a load balancer polls them every few seconds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from portal import clock
from portal.extensions import db, limiter
from portal.outbox.models import OutboxMessage, OutboxStatus

bp = Blueprint("health", __name__)
limiter.exempt(bp)


@dataclass
class Check:
    """One readiness check: passed or not, and what an operator needs to see why."""

    name: str
    ok: bool
    details: dict = field(default_factory=dict)


def database_reachable(conn: Connection) -> Check:
    conn.execute(text("SELECT 1"))
    return Check("database", True)


@lru_cache(maxsize=4)
def code_heads(directory: str) -> tuple[str, ...]:
    """The revisions the code's migrations end at; read once per process, as the code cannot change."""
    return tuple(sorted(ScriptDirectory(directory).get_heads()))


def migrations_current(conn: Connection, directory: str) -> Check:
    """New code on an old schema fails on the first page that reads a new column: not ready until
    ``flask db upgrade`` has run."""
    database = tuple(sorted(MigrationContext.configure(conn).get_current_heads()))
    heads = code_heads(directory)
    return Check("migrations", database == heads, {"database": list(database), "code": list(heads)})


def outbox_flowing(conn: Connection, max_age: timedelta) -> Check:
    """Mail that has waited past ``max_age`` since it fell due means nobody is sending it (cron stopped,
    a sender died mid-message). A retried message counts from its retry time, so a mail server outage
    alone shows as retries and then as failed messages, which are counted for staff, not held against
    the instance."""
    now = clock.now()
    oldest_due = conn.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
            OutboxMessage.next_attempt_at <= now,
        )
    )
    failed = conn.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.FAILED))
    waited = now - clock.as_utc(oldest_due) if oldest_due is not None else timedelta(0)
    details = {"oldest_due_minutes": int(waited.total_seconds() // 60),
               "max_age_minutes": int(max_age.total_seconds() // 60), "failed": failed}
    return Check("outbox", waited < max_age, details)


def readiness() -> list[Check]:
    """Each check on a connection of its own; when the database cannot be reached the others are not
    tried (each would wait for the same timeout)."""
    max_age = timedelta(minutes=current_app.config["READY_OUTBOX_MAX_AGE_MINUTES"])
    database = _run("database", database_reachable)
    if not database.ok:
        return [database]
    return [database, _run("migrations", migrations_current, current_app.extensions["migrate"].directory),
            _run("outbox", outbox_flowing, max_age)]


def _run(name: str, check, *args) -> Check:
    """A database error is a failed check, never an exception: a 500 would tell the balancer less."""
    try:
        with db.engine.connect() as conn:
            return check(conn, *args)
    except SQLAlchemyError as error:
        current_app.logger.warning("readyz: %s check failed (%s: %s)", name, type(error).__name__, error)
        # The error's text may name the server and its user: the public answer names only its kind
        return Check(name, False, {"error": type(error).__name__})


@bp.after_request
def never_cached(response):
    """A cached "ready" would keep a failed instance in rotation."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    checks = readiness()
    failing = [check.name for check in checks if not check.ok]
    body = {"status": "unready" if failing else "ready", "failing": failing,
            "checks": {check.name: {"ok": check.ok, **check.details} for check in checks}}
    return jsonify(body), 503 if failing else 200
