"""``flask outbox work``: a long-running sender that sends each e-mail as soon as it is queued.

On PostgreSQL it LISTENs on the ``outbox`` channel (``queue_mail`` notifies it in the transaction
that queues the mail, so the notification arrives when that transaction commits) and also looks every
``OUTBOX_POLL_SECONDS`` for retries that have fallen due; on SQLite it only looks. Several workers may
run at once: each message is claimed by one of them (``delivery.claim_batch``). SIGTERM or Ctrl-C
stops it after the message in hand is sent and recorded (the rest of its batch is handed back); a
second Ctrl-C stops it at once, and the messages it had claimed are sent again by the next sender
once their claims expire.
"""
from __future__ import annotations

import signal
import threading
import time

import psycopg
from flask import current_app
from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db
from portal.outbox.delivery import BATCH, deliver_batch, transport

#: The PostgreSQL channel ``queue_mail`` notifies.
CHANNEL = "outbox"
#: While listening, the longest a stop (SIGTERM) waits to be noticed.
STOP_CHECK_SECONDS = 0.5


class StopRequest:
    """A plain flag, set by the signal handler: a lock taken there (``threading.Event.set``) could be
    the one the interrupted code holds, and the worker would never stop."""

    def __init__(self):
        self.requested = False

    def set(self) -> None:
        self.requested = True

    def is_set(self) -> bool:
        return self.requested

    def wait(self, seconds: float) -> None:
        """Sleep up to ``seconds``, noticing a stop within ``STOP_CHECK_SECONDS``."""
        deadline = time.monotonic() + seconds
        while not self.requested and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, STOP_CHECK_SECONDS))


class Polling:
    """SQLite: look again after a pause."""

    description = "polling"

    def open(self) -> bool:
        return True

    def wait(self, seconds: float, stop: StopRequest) -> None:
        stop.wait(seconds)

    def close(self) -> None:
        pass


class Notifications:
    """PostgreSQL: LISTEN on a connection of its own, outside the pool; wake on a notification or after
    ``seconds`` at the latest. A lost connection is logged and opened again on the next wait."""

    description = f"LISTEN {CHANNEL} on PostgreSQL, polling as a fallback"

    def __init__(self, engine: Engine):
        self.url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.connection: psycopg.Connection | None = None

    def open(self) -> bool:
        """LISTEN before looking at the outbox, so no commit falls between the look and the listening."""
        try:
            self.connection = psycopg.connect(self.url, autocommit=True)
            self.connection.execute(f"LISTEN {CHANNEL}")
            return True
        except psycopg.Error as error:
            current_app.logger.warning("outbox worker: cannot listen (%s); polling meanwhile", error)
            self.close()
            return False

    def wait(self, seconds: float, stop: StopRequest) -> None:
        if self.connection is None:
            if self.open():
                return  # listening again: look at once for what came while it was not
            stop.wait(seconds)
            return
        deadline = time.monotonic() + seconds
        try:
            while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
                # in slices, so a stop is seen within half a second
                if list(self.connection.notifies(timeout=min(left, STOP_CHECK_SECONDS), stop_after=1)):
                    return
        except psycopg.Error as error:
            current_app.logger.warning("outbox worker: listening failed (%s); polling meanwhile", error)
            self.close()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _stop_on_signals(stop: StopRequest) -> None:
    def handle(signum, _frame):
        stop.set()  # only this: the message in hand is finished by the loop, which logs the stop
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C: now

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


def _record_without_waiting_for_the_disk(engine: Engine) -> None:
    """SQLite: the worker's own commits (claims, "sent" marks) do not wait for the disk. Each held the
    file's one write lock through a wait for the disk, at the lowest CPU priority (``Nice=19``), while
    inquiries queued behind it. What a crash of the machine may undo is the last few marks, and those
    messages go out again, as after any crash (at least once, the same ``Message-ID``); a crash of the
    worker itself loses nothing (WAL). The inquiries' own commits still wait for the disk."""

    @event.listens_for(engine, "connect")
    def set_normal(dbapi_connection, _record):  # after the portal's own pragmas (registered first)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    engine.dispose()  # connections opened before (the start-up's) get it too


def _send_what_is_due(stop: StopRequest) -> None:
    """Batch after batch until one comes back short: nothing more was due when it was claimed, and
    what is queued since wakes the worker (``NOTIFY``) or waits for the next look, without a claim
    that finds nothing after every batch."""
    sender = transport()
    while not stop.is_set() and len(deliver_batch(sender, BATCH, stop=stop)) == BATCH:
        pass


def work(poll_seconds: float, stop: StopRequest | None = None) -> None:
    """Send until ``stop`` is set (by SIGTERM or SIGINT when run from the command line). A database
    error is logged and the loop goes on: the outbox keeps every message until it is sent."""
    stop = stop or StopRequest()
    if threading.current_thread() is threading.main_thread():
        _stop_on_signals(stop)
    if db.engine.dialect.name == "sqlite":
        _record_without_waiting_for_the_disk(db.engine)
    wakeup = Notifications(db.engine) if db.engine.dialect.name == "postgresql" else Polling()
    log = current_app.logger
    wakeup.open()
    log.info("outbox worker: started (%s, every %s s)", wakeup.description, poll_seconds)
    try:
        while not stop.is_set():
            try:
                _send_what_is_due(stop)
            except SQLAlchemyError as error:
                log.warning("outbox worker: database error (%s); trying again shortly", error)
            except Exception:  # the outbox keeps the messages: log and go on
                log.exception("outbox worker: sending failed; trying again shortly")
            finally:
                db.session.remove()
            if not stop.is_set():
                wakeup.wait(poll_seconds, stop)
    finally:
        wakeup.close()
    log.info("outbox worker: stopped")
