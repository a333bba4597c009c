"""``flask outbox work``, run as the operator runs it (a process of its own, stopped by SIGTERM),
against a real SMTP server (aiosmtpd) in the test: it sends each message once, several workers
share the queue, a stop or a crash mid-message loses nothing, and a message keeps its Message-ID."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, select, text

from portal import _tune_sqlite as tune_sqlite, clock
from portal.extensions import db
from portal.outbox import queue_mail, send_due
from portal.outbox.delivery import CLAIM_FOR
from portal.outbox.models import OutboxMessage
from portal.outbox.worker import _record_without_waiting_for_the_disk as record_without_waiting_for_the_disk
from tests import factories
from tests.outbox.test_outbox import free_port

ROOT = Path(__file__).resolve().parents[2]
#: Generous bounds for a process to start and mail to arrive on a busy machine; never a speed claim.
WAIT_SECONDS = 60


class Inbox:
    """An aiosmtpd handler that keeps every message it is given; ``hold`` keeps the sender waiting for
    the answer to DATA (the message is received, the 250 not yet given) until ``release`` is set."""

    def __init__(self, hold: bool = False, pause: float = 0.0):
        self.messages = []
        self.hold, self.pause = hold, pause
        self.received, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.received.set()
        while self.hold and not self.release.is_set():
            await asyncio.sleep(0.05)
        await asyncio.sleep(self.pause)
        return "250 OK"

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages]


@pytest.fixture
def smtp():
    """Start a real SMTP server: ``server = smtp(Inbox())``; stopped after the test."""
    controllers = []

    def start(inbox: Inbox) -> int:
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return port

    yield start
    for controller in controllers:
        controller.stop()


class WorkerProcess:
    """``python -m flask --app app outbox work`` on the test's database, its log kept line by line."""

    def __init__(self, app, port: int, instance: Path, poll_seconds: float):
        env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
               "PORTAL_INSTANCE_PATH": str(instance), "PORTAL_ENV": "development",
               "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port), "MAIL_USE_TLS": "off", "MAIL_TIMEOUT": "20",
               "MAIL_SEND_AFTER_COMMIT": "off", "OUTBOX_POLL_SECONDS": str(poll_seconds)}
        self.process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "outbox", "work"],
                                        cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line)

    def log(self) -> str:
        return "".join(self.lines)

    def wait_for_log(self, text: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while text not in self.log():
            assert self.process.poll() is None, f"the worker ended: {self.log()}"
            assert time.monotonic() < deadline, f"{text!r} never logged: {self.log()}"
            time.sleep(0.05)

    def stop(self, sig=signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        try:
            code = self.process.wait(WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the worker did not stop: {self.log()}") from None
        self.reader.join(5)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(WAIT_SECONDS)


@pytest.fixture
def workers(app, tmp_path):
    """Start workers with ``workers(port, poll_seconds)``; any still running are killed after the test."""
    started = []

    def start(port: int, poll_seconds: float = 0.2) -> WorkerProcess:
        worker = WorkerProcess(app, port, tmp_path / "instance", poll_seconds)
        started.append(worker)
        worker.wait_for_log("outbox worker: started")
        return worker

    yield start
    for worker in started:
        worker.kill()


def postgres(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def outbox(session) -> list[OutboxMessage]:
    session.expire_all()
    rows = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    session.commit()  # let go of the connection: the workers need the rows
    return rows


def queue_password_link(session, email: str = "lan@centre.example") -> OutboxMessage:
    message = queue_mail("staff_password_reset", email, "vi", user=factories.user(email=email), by=None,
                         link="http://localhost/x")
    session.commit()
    return message


def test_the_worker_sends_what_is_queued_at_once_and_only_once(app, session, smtp, workers):
    inbox = Inbox()
    port = smtp(inbox)
    # On PostgreSQL the worker would not look again for a minute: only the commit's NOTIFY wakes it.
    worker = workers(port, poll_seconds=60 if postgres(app) else 0.2)
    message = queue_password_link(session)
    wait_until(lambda: inbox.messages, f"nothing arrived: {worker.log()}")

    assert worker.stop() == 0
    [row] = outbox(session)
    assert row.status == "sent" and row.attempts == 1 and row.sent_at
    assert inbox.message_ids() == [message.message_id]
    assert inbox.messages[0]["To"] == "lan@centre.example"
    assert f"message {row.id} (staff_password_reset) sent" in worker.log()
    assert "outbox worker: stopped" in worker.log()


def test_two_workers_send_each_of_many_messages_once(app, session, smtp, workers):
    inbox = Inbox(pause=0.02)  # each message takes a moment, so both workers are busy at once
    port = smtp(inbox)
    first, second = workers(port), workers(port)
    for number in range(40):
        session.add(OutboxMessage(kind="test", recipient=f"investor{number}@example.com", subject="s", body="b",
                                  language="en"))
    session.commit()
    wait_until(lambda: all(row.status == "sent" for row in outbox(session)),
               f"not all sent: {first.log()} {second.log()}")

    assert first.stop() == 0 and second.stop() == 0
    rows = outbox(session)
    assert sorted(inbox.message_ids()) == sorted(row.message_id for row in rows)  # each once, none twice
    assert all(row.attempts == 1 for row in rows)
    assert first.log().count(") sent") + second.log().count(") sent") == 40


def test_sigterm_while_sending_finishes_the_message_and_exits_cleanly(app, session, smtp, workers):
    inbox = Inbox(hold=True)
    port = smtp(inbox)
    worker = workers(port)
    message = queue_password_link(session)
    assert inbox.received.wait(WAIT_SECONDS), worker.log()

    worker.process.send_signal(signal.SIGTERM)  # the mail server has the message but has not said yes
    inbox.release.set()
    assert worker.stop() == 0
    [row] = outbox(session)
    assert row.status == "sent" and row.attempts == 1
    assert inbox.message_ids() == [message.message_id]


def test_a_worker_killed_mid_message_leaves_it_for_the_next_sender_with_the_same_message_id(
        app, session, smtp, workers, monkeypatch):
    inbox = Inbox(hold=True)
    port = smtp(inbox)
    worker = workers(port)
    message = queue_password_link(session)
    assert inbox.received.wait(WAIT_SECONDS), worker.log()

    worker.kill()  # the server took the message; the outbox never heard back
    inbox.release.set()
    [row] = outbox(session)
    assert row.status == "sending" and row.sent_at is None

    later = clock.now() + CLAIM_FOR + timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False}.items():
        monkeypatch.setitem(app.config, key, value)
    with app.app_context():
        assert send_due().sent == 1
    [row] = outbox(session)
    assert row.status == "sent" and row.attempts == 2
    # sent twice, as one message: the receiver can drop the repeat
    assert inbox.message_ids() == [message.message_id, message.message_id]


def test_an_idle_worker_stops_at_once_on_sigint(app, smtp, workers):
    worker = workers(smtp(Inbox()), poll_seconds=60)
    assert worker.stop(signal.SIGINT) == 0
    assert "outbox worker: stopped" in worker.log()


def test_queued_mail_gets_a_message_id_of_its_own(app, session):
    first, second = queue_password_link(session, "a@centre.example"), queue_password_link(session, "b@centre.example")
    assert first.message_id.startswith("<") and first.message_id.endswith("@localhost>")
    assert first.message_id != second.message_id
    with app.app_context():
        db.session.add(OutboxMessage(kind="test", recipient="c@b.example", subject="s", body="b", language="en"))
        db.session.commit()
    assert len({row.message_id for row in outbox(session)}) == 3


def test_on_sqlite_the_workers_records_do_not_wait_for_the_disk_and_the_inquiries_still_do(app):
    """The worker's claims and "sent" marks held SQLite's one write lock through a wait for the disk,
    at the lowest CPU priority, while inquiries queued behind them; the inquiries' commits still wait."""
    if postgres(app):
        pytest.skip("PostgreSQL: the worker's commits are the server's business")
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        tune_sqlite(engine, "FULL")  # as the portal's engine, in the worker's process too
        record_without_waiting_for_the_disk(engine)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    finally:
        engine.dispose()
    with app.app_context():
        assert db.session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        db.session.rollback()
