"""Sending what the outbox holds: SMTP in production, files under instance/ in development.

Each message is claimed with a conditional UPDATE before it is sent, so the web process and
``flask outbox send`` (cron) can run at once without sending anything twice. A failure is
kept with its error and retried with a growing delay; nothing is ever deleted.
"""
from __future__ import annotations

import smtplib
import threading
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import and_, event, or_, select, update
from sqlalchemy.orm import Session

from portal import clock
from portal.extensions import db
from portal.outbox.models import OutboxMessage, OutboxStatus

MAX_ATTEMPTS = 8
CLAIM_FOR = timedelta(minutes=5)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failure, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


class FileTransport:
    """Development: each e-mail becomes an .eml file to open in any mail program."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, message: EmailMessage, outbox_id: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{outbox_id:06d}.eml").write_bytes(message.as_bytes())


class SmtpTransport:
    def __init__(self, config):
        self.host, self.port = config["MAIL_SERVER"], config["MAIL_PORT"]
        self.use_tls, self.timeout = config["MAIL_USE_TLS"], config["MAIL_TIMEOUT"]
        self.username, self.password = config["MAIL_USERNAME"], config["MAIL_PASSWORD"]

    def send(self, message: EmailMessage, outbox_id: int) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.use_tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)


def transport():
    config = current_app.config
    if config["MAIL_SERVER"]:
        return SmtpTransport(config)
    return FileTransport(Path(current_app.instance_path) / "mail")


def build_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(clock.now())
    email["Message-ID"] = make_msgid(domain="invest-portal")
    email.set_content(message.body)
    email["Content-Language"] = message.language  # after set_content, which resets Content-* headers
    return email


def _due(now):
    return or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.locked_until < now),
    )


def _claim(message_id: int, now) -> bool:
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _due(now))
        .values(status=OutboxStatus.SENDING, locked_until=now + CLAIM_FOR)
    ).rowcount
    db.session.commit()
    return claimed == 1


def send_due(limit: int = 100) -> DeliveryReport:
    """Send every message whose time has come; a failure is recorded and retried later."""
    report = DeliveryReport()
    sender = transport()
    now = clock.now()
    due_ids = db.session.scalars(select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id).limit(limit))
    for message_id in list(due_ids):
        if not _claim(message_id, now):
            continue
        message = db.session.get(OutboxMessage, message_id)
        message.attempts += 1
        message.locked_until = None
        try:
            sender.send(build_email(message), message.id)
        except (OSError, smtplib.SMTPException) as error:
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                report.failed += 1
            else:
                message.status = OutboxStatus.PENDING
                message.next_attempt_at = clock.now() + retry_delay(message.attempts)
                report.retrying += 1
            current_app.logger.warning("outbox: message %s not sent (%s)", message.id, message.last_error)
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = clock.now()
            message.last_error = ""
            report.sent += 1
        db.session.commit()
    return report


#: Set in a session's ``info`` when a message is queued in its current transaction.
QUEUED = "outbox_queued"


def send_after_commit(session: Session) -> None:
    """Whoever commits a transaction that queued mail, the outbox tries it at once: no view has to
    remember to, and a rolled-back transaction sends nothing."""
    if session.info.pop(QUEUED, False) and has_app_context():
        send_soon()


def forget_queued(session: Session, *_args) -> None:
    session.info.pop(QUEUED, None)


def listen_to_commits() -> None:
    for name, listener in (("after_commit", send_after_commit), ("after_rollback", forget_queued)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def send_soon() -> threading.Thread | None:
    """Try the outbox in a background thread, so the response never waits for mail. Not a daemon:
    a command that queued mail (``flask reminders send``) finishes sending before the process exits,
    instead of leaving a message claimed and half-sent."""
    if not current_app.config["MAIL_SEND_AFTER_COMMIT"]:
        return None
    thread = threading.Thread(target=_send_in_background, args=(current_app._get_current_object(),))
    thread.start()
    return thread


def _send_in_background(app: Flask) -> None:
    with app.app_context():
        try:
            send_due()
        except Exception:  # the outbox keeps the messages; cron retries them
            app.logger.exception("outbox: sending after commit failed")
        finally:
            db.session.remove()
