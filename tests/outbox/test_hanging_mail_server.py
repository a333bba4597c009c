"""A mail server that accepts connections and never answers must not take the site down with it:
senders hold no database connection while they wait for it, so even with a pool of one connection
every investor's inquiry is saved and every page served, and the mail goes out later, under the
Message-ID it was queued with."""
from __future__ import annotations

import socket
import threading
from datetime import timedelta

from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.leads.models import Lead
from portal.outbox import send_due
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.conftest import make_app, temporary_database
from tests.forms import inquiry, submit
from tests.outbox.test_outbox import Inbox, free_port


class SilentMailServer:
    """Accepts every TCP connection and never says a word, like a mail server that has hung."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


def after_commit_senders() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "outbox-after-commit"]


def test_a_silent_mail_server_stops_no_submission_and_the_retry_keeps_the_message_id(tmp_path, monkeypatch):
    silent = SilentMailServer()
    # One connection for everyone, and a request waits for it at most 2 s: a sender that kept it for
    # the 5 s the mail server is given would make the next request fail.
    settings = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0, "pool_timeout": 2},
                "MAIL_SEND_AFTER_COMMIT": True, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": silent.port,
                "MAIL_USE_TLS": False, "MAIL_TIMEOUT": 5, "PORTAL_LEADS_EMAIL": ""}
    try:
        with temporary_database(tmp_path) as url:
            app = make_app(url, tmp_path / "instance", **settings)
            try:
                with app.app_context():
                    upgrade()
                    factories.sector("semiconductors", en="Semiconductors")
                    db.session.commit()
                client = app.test_client()

                answers = [submit(client, "/en/inquire", inquiry(email=f"investor{number}@example.com"))
                           for number in range(3)]
                home = client.get("/en/")
                for sender in after_commit_senders():
                    sender.join(60)

                assert [answer.status_code for answer in answers] == [302, 302, 302]
                assert home.status_code == 200
                with app.app_context():
                    assert len(db.session.scalars(select(Lead)).all()) == 3
                    waiting = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
                    assert [(message.status, message.attempts) for message in waiting] == [("pending", 1)] * 3
                    assert all("timed out" in message.last_error for message in waiting)
                    queued_ids = [message.message_id for message in waiting]
                    db.session.remove()

                inbox = Inbox()
                port = free_port()
                controller = Controller(inbox, hostname="127.0.0.1", port=port)
                controller.start()
                later = clock.now() + timedelta(minutes=5)
                monkeypatch.setattr(clock, "now", lambda: later)
                monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
                monkeypatch.setitem(app.config, "MAIL_PORT", port)
                try:
                    with app.app_context():
                        assert send_due().sent == 3
                finally:
                    controller.stop()
                assert sorted(message["Message-ID"] for message in inbox.messages) == sorted(queued_ids)
            finally:
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
    finally:
        silent.close()
