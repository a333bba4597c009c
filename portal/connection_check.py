"""Checking a pooled database connection before it is used, without a round trip when nothing is in doubt.

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` at every checkout: on PostgreSQL one round trip of
the four or five a submission takes, and one of the two each sent e-mail takes. A connection that was
in use a moment ago and on which the server has said nothing since is alive as far as this machine
can know: a server that ends a connection (a restart, ``pg_terminate_backend``, an idle timeout)
tells the client and closes the socket, which then has something to read. So the ping is sent only
when the connection has been idle longer than ``PING_AFTER_IDLE`` (a connection dropped silently by
the network on the way, a firewall's idle timeout) or when its socket has something to read; a
failed ping then replaces every pooled connection, as ``pool_pre_ping`` does.
"""
from __future__ import annotations

import select
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidatePoolError

#: A connection idle this long is pinged before use, whatever its socket says.
PING_AFTER_IDLE = 5.0
#: Set in a pooled connection's ``info`` when it goes back to the pool.
RETURNED_AT = "returned_at"


def ping_when_in_doubt(engine: Engine) -> None:
    """Instead of ``pool_pre_ping``: a ping at checkout only for a connection in doubt."""
    dialect = engine.dialect

    @event.listens_for(engine.pool, "checkin")
    def returned(_dbapi_connection, record) -> None:
        record.info[RETURNED_AT] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def check(dbapi_connection, record, _proxy) -> None:
        if not in_doubt(dbapi_connection, record.info.get(RETURNED_AT)):
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise InvalidatePoolError(str(error)) from error  # as pool_pre_ping: every pooled one is replaced
            raise


def in_doubt(dbapi_connection, returned_at: float | None) -> bool:
    """Whether a connection taken from the pool must be pinged: not one just opened (never returned),
    but one idle for long, or one whose server sent something while nobody was asking."""
    if returned_at is None:
        return False
    return time.monotonic() - returned_at > PING_AFTER_IDLE or _server_spoke(dbapi_connection)


def _server_spoke(dbapi_connection) -> bool:
    """Whether the connection's socket has something to read (always false for SQLite, which has none)."""
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is None:
        return False
    try:
        fd = fileno()
    except Exception:  # closed, or the driver cannot tell: ping
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))
