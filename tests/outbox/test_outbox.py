"""The mail outbox: every e-mail is stored with the lead, then sent; nothing is lost when
the mail server is down. Tests run a real SMTP server (aiosmtpd) on a local port."""
import socket
import time
from datetime import timedelta
from email import message_from_bytes, policy
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from flask_babel import force_locale, gettext
from sqlalchemy import event, select

from portal import clock
from portal.extensions import db
from portal.leads.models import Lead
from portal.outbox import send_due
from portal.outbox.models import OutboxMessage
from tests.forms import inquiry, referral, submit


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self, refuse: str = ""):
        self.messages = []
        self.connections = set()
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refuse:
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.connections.add(id(session))  # aiosmtpd has one session per connection
        return "250 OK"

    def subjects(self) -> list[str]:
        return [str(make_header(decode_header(message["Subject"]))) for message in self.messages]

    def to(self) -> list[str]:
        return [message["To"] for message in self.messages]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def _catalogue(catalogue):
    """The forms below name a sector and a park."""


@pytest.fixture
def smtp_port(app, monkeypatch):
    port = free_port()
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False,
                       "MAIL_TIMEOUT": 2}.items():
        monkeypatch.setitem(app.config, key, value)
    return port


def start_server(port: int, inbox: Inbox | None = None) -> tuple[Controller, Inbox]:
    inbox = inbox or Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


def pending(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_acknowledgement_arrives_in_the_investors_language(app, client, session, smtp_port):
    controller, inbox = start_server(smtp_port)
    try:
        submit(client, "/ja/inquire", inquiry(email="sato@sakura.example"))
        lead = session.scalars(select(Lead)).one()
        with app.app_context():
            report = send_due()
    finally:
        controller.stop()
    assert report.sent == 2
    assert inbox.to() == ["sato@sakura.example", "leads@centre.example"]
    with app.test_request_context(), force_locale("ja"):
        expected = gettext("We have received your request – reference %(reference)s", reference=lead.reference)
    acknowledgement = inbox.messages[0]
    assert inbox.subjects()[0] == expected
    assert lead.reference in acknowledgement.get_content()
    assert acknowledgement["Content-Language"] == "ja"
    assert all(message.status == "sent" and message.sent_at for message in pending(session))


def test_referrer_gets_a_thank_you_in_their_language(app, client, session, smtp_port):
    controller, inbox = start_server(smtp_port)
    try:
        submit(client, "/ko/refer", referral())
        with app.app_context():
            send_due()
    finally:
        controller.stop()
    assert inbox.to()[0] == "jiwoo.park@daejeon.example"
    with app.test_request_context(), force_locale("ko"):
        body = gettext("Your reference number: %(reference)s", reference="X").replace("X", "")
    assert body.strip() in inbox.messages[0].get_content()


def test_server_down_keeps_the_lead_and_retries_until_it_is_back(app, client, session, smtp_port, monkeypatch):
    submit(client, "/en/inquire", inquiry())
    assert session.scalars(select(Lead)).one()  # committed before any sending

    with app.app_context():
        report = send_due()
    assert (report.sent, report.retrying) == (0, 2)
    for message in pending(session):
        assert message.status == "pending" and message.attempts == 1
        assert "ConnectionRefusedError" in message.last_error

    with app.app_context():
        assert send_due().sent == 0  # not due again yet: backoff

    controller, inbox = start_server(smtp_port)
    later = clock.now() + timedelta(minutes=5)
    monkeypatch.setattr(clock, "now", lambda: later)
    try:
        with app.app_context():
            report = send_due()
    finally:
        controller.stop()
    assert report.sent == 2 and len(inbox.messages) == 2
    assert all(message.status == "sent" and message.attempts == 2 for message in pending(session))


def test_gives_up_after_the_last_retry_but_keeps_the_message(app, session, smtp_port, monkeypatch):
    from portal.outbox.delivery import MAX_ATTEMPTS

    with app.app_context():
        db.session.add(OutboxMessage(kind="test", recipient="a@b.example", subject="s", body="b", language="en"))
        db.session.commit()
        moment = clock.now()
        for attempt in range(MAX_ATTEMPTS):
            moment += timedelta(hours=7)
            monkeypatch.setattr(clock, "now", lambda moment=moment: moment)
            send_due()
    [message] = pending(session)
    assert message.status == "failed" and message.attempts == MAX_ATTEMPTS and message.last_error


def test_without_a_mail_server_mail_is_written_to_files(app, client, session, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    submit(client, "/vi/inquire", inquiry())
    with app.app_context():
        assert send_due().sent == 2
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    assert b"Content-Language: vi" in files[0].read_bytes()


def test_the_web_process_sends_soon_after_the_commit(app, client, session, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_COMMIT", True)
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    response = submit(client, "/en/inquire", inquiry())
    assert response.status_code == 302
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(list((tmp_path / "mail").glob("*.eml"))) < 2:
        time.sleep(0.05)
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2


def test_outbox_send_command(app, client, session, smtp_port):
    submit(client, "/en/inquire", inquiry())
    controller, inbox = start_server(smtp_port)
    try:
        result = app.test_cli_runner().invoke(args=["outbox", "send"])
    finally:
        controller.stop()
    assert "2 sent" in result.output and len(inbox.messages) == 2


def test_a_message_claimed_by_another_sender_is_not_sent_twice(app, session, smtp_port):
    from portal.outbox.delivery import _claim

    with app.app_context():
        db.session.add(OutboxMessage(kind="test", recipient="a@b.example", subject="s", body="b", language="en"))
        db.session.commit()
        message_id = db.session.scalars(select(OutboxMessage.id)).one()
        now = clock.now()
        assert _claim([message_id], now) == {message_id}
        assert _claim([message_id], now) == set()
        assert send_due().sent == 0


def queue_plain(*recipients: str) -> None:
    for recipient in recipients:
        db.session.add(OutboxMessage(kind="test", recipient=recipient, subject=f"For {recipient}", body="b",
                                     language="en"))
    db.session.commit()


def test_a_batch_of_messages_goes_out_over_one_connection(app, session, smtp_port):
    with app.app_context():
        queue_plain("a@b.example", "c@d.example", "e@f.example")
    controller, inbox = start_server(smtp_port)
    try:
        with app.app_context():
            assert send_due().sent == 3
    finally:
        controller.stop()
    assert sorted(inbox.to()) == ["a@b.example", "c@d.example", "e@f.example"]
    assert len(inbox.connections) == 1
    assert [(row.status, row.attempts) for row in pending(session)] == [("sent", 1)] * 3


def test_a_refused_message_in_a_batch_is_retried_and_the_others_still_go(app, session, smtp_port):
    with app.app_context():
        queue_plain("a@b.example", "nobody@d.example", "e@f.example")
    controller, inbox = start_server(smtp_port, Inbox(refuse="nobody@d.example"))
    try:
        with app.app_context():
            report = send_due()
    finally:
        controller.stop()
    assert (report.sent, report.retrying) == (2, 1)
    assert sorted(inbox.to()) == ["a@b.example", "e@f.example"]
    rows = pending(session)
    assert [(row.recipient, row.status) for row in rows] == [
        ("a@b.example", "sent"), ("nobody@d.example", "pending"), ("e@f.example", "sent")]
    assert "no such mailbox" in rows[1].last_error


def test_a_stop_mid_batch_hands_back_the_messages_not_tried(app, session):
    from portal.outbox.delivery import deliver_batch
    from portal.outbox.worker import StopRequest

    stop = StopRequest()

    class StoppedAfterOne:
        def send(self, message, outbox_id):
            stop.set()  # SIGTERM arrives while the first message is with the mail server

    with app.app_context():
        queue_plain("a@b.example", "c@d.example", "e@f.example")
        assert deliver_batch(StoppedAfterOne(), stop=stop) == ["sent"]
    assert [(row.status, row.attempts, row.locked_until) for row in pending(session)] == [
        ("sent", 1, None), ("pending", 0, None), ("pending", 0, None)]


def test_a_sender_dying_mid_batch_sends_again_only_the_message_in_hand(app, session):
    """What the mail server took before the sender died is already recorded: a crash repeats at most
    one message, not the whole batch."""
    from portal.outbox.delivery import deliver_batch

    class DiesOnTheSecond:
        sent = 0

        def send(self, message, outbox_id):
            self.sent += 1
            if self.sent == 2:
                raise SystemExit("killed while the mail server held the second message")

    with app.app_context():
        queue_plain("a@b.example", "c@d.example", "e@f.example")
        with pytest.raises(SystemExit):
            deliver_batch(DiesOnTheSecond())
    assert [row.status for row in pending(session)] == ["sent", "sending", "sending"]


def test_a_message_whose_sender_died_on_every_attempt_is_given_up(app, session, smtp_port):
    """A sender killed mid-send leaves the message claimed: after the last attempt it fails, not loops."""
    from portal.outbox.delivery import MAX_ATTEMPTS

    with app.app_context():
        db.session.add(OutboxMessage(kind="test", recipient="a@b.example", subject="s", body="b", language="en",
                                     status="sending", attempts=MAX_ATTEMPTS,
                                     locked_until=clock.now() - timedelta(minutes=1)))
        db.session.add(OutboxMessage(kind="test", recipient="c@d.example", subject="s", body="b", language="en"))
        db.session.commit()
    controller, inbox = start_server(smtp_port)
    try:
        with app.app_context():
            report = send_due()
    finally:
        controller.stop()
    abandoned, fine = pending(session)
    assert report.sent == 1 and [m["To"] for m in inbox.messages] == ["c@d.example"]
    assert abandoned.status == "failed" and abandoned.attempts == MAX_ATTEMPTS
    assert "stopped" in abandoned.last_error and fine.status == "sent"


def test_the_worker_claims_no_more_after_a_short_batch(app, session, count_queries, monkeypatch, tmp_path):
    """Woken for three messages, the worker claims and sends them, and does not look again at once:
    a batch shorter than ``BATCH`` means nothing more was due (what comes later wakes it)."""
    from portal.outbox.worker import StopRequest, _send_what_is_due

    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    with app.app_context():
        queue_plain("a@b.example", "c@d.example", "e@f.example")
        with count_queries() as counter:
            _send_what_is_due(StopRequest())
    assert [row.status for row in pending(session)] == ["sent"] * 3
    looks = [statement for statement in counter.statements if statement.lstrip().upper().startswith("SELECT")]
    assert len(looks) == 1, counter.statements


def test_each_sent_mark_is_one_statement_that_commits_itself(app, session, monkeypatch, tmp_path):
    """No BEGIN and COMMIT around a message's "sent" mark: on PostgreSQL each is a round trip, and the
    mark took four (the pool's ping, BEGIN, UPDATE, COMMIT) for every message the worker sent."""
    from portal.outbox.worker import StopRequest, _send_what_is_due

    def outside_a_transaction(dbapi_connection) -> bool:
        if hasattr(dbapi_connection, "autocommit"):  # psycopg
            return dbapi_connection.autocommit
        return dbapi_connection.isolation_level is None  # sqlite3

    marks = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("UPDATE outbox SET status") and "sent_at" in statement:
            marks.append(outside_a_transaction(cursor.connection))

    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    with app.app_context():
        queue_plain("a@b.example", "c@d.example")
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            _send_what_is_due(StopRequest())
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    assert [row.status for row in pending(session)] == ["sent", "sent"]
    assert marks == [True, True]
