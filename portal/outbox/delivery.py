"""Sending what the outbox holds: SMTP in production, files under instance/ in development.

A sender claims a batch of messages (``BATCH``, the oldest due) in a short transaction of its own
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, then a conditional UPDATE, which alone guards SQLite),
copies what it needs into plain data and lets the connection go before it talks to the mail server
(one SMTP connection for the batch), and records each message the server took in a short
transaction of its own before the next one is sent. A mail server that accepts and never answers
thus holds no database connection, and the web process, ``flask outbox work`` and ``flask outbox
send`` can run at once without sending anything twice. A failure is kept with its error and retried
with a growing delay; nothing is ever deleted. Delivery is at least once: the message the mail
server took just before its sender died, unrecorded, goes again once its claim expires, with the
same Message-ID.
"""
from __future__ import annotations

import re
import smtplib
import threading
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses
from functools import cache, lru_cache
from pathlib import Path
from typing import Callable, Iterator

from flask import Flask, current_app, has_app_context
from sqlalchemy import and_, bindparam, event, or_, select, update
from sqlalchemy.orm import Session

from portal import clock
from portal.extensions import db
from portal.outbox.mime import MAIL_POLICY, PLAIN_ADDRESS, plain_text_bytes
from portal.outbox.models import OutboxMessage, OutboxStatus

MAX_ATTEMPTS = 8
#: A claimed message is left alone this long; a sender killed mid-message frees it when this ends.
CLAIM_FOR = timedelta(minutes=5)
#: SQLite only: how often a claim may lose the race for the oldest due message before giving up for now.
CLAIM_TRIES = 5
#: At most this many messages claimed, sent and recorded together: two transactions and one SMTP
#: connection for the batch instead of two and one per message.
BATCH = 20
#: A batch stops taking messages after this long (a slow mail server) and hands the rest back, well
#: before its claims expire and another sender would take them too.
BATCH_FOR = CLAIM_FOR / 2


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failure, at most six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def count(self, outcome: str) -> None:
        if outcome == OutboxStatus.SENT:
            self.sent += 1
        elif outcome == OutboxStatus.FAILED:
            self.failed += 1
        else:
            self.retrying += 1


@dataclass(frozen=True)
class OutgoingMail:
    """What sending a claimed message needs, copied out of the database so no session stays open."""

    id: int
    kind: str
    recipient: str
    subject: str
    body: str
    language: str
    message_id: str
    reply_to: str = ""
    thread: tuple[str, ...] = ()
    #: ``MediaFile`` ids; their files are read by ``build_email``, outside any transaction.
    attachments: tuple[int, ...] = ()
    #: (stored name, download name, content type) of each attachment, looked up when claimed.
    files: tuple[tuple[str, str, str], ...] = ()
    #: An iCalendar invitation, sent as a ``text/calendar`` alternative and as ``invite.ics``.
    calendar: str = ""

    @classmethod
    def of(cls, message: OutboxMessage) -> OutgoingMail:
        return cls(message.id, message.kind, message.recipient, message.subject, message.body,
                   message.language, message.message_id, message.reply_to or "",
                   tuple(message.thread or ()), tuple(message.attachments or ()), _files(message.attachments or ()),
                   message.calendar or "")


def _files(ids) -> tuple[tuple[str, str, str], ...]:
    """Where each attached brochure lies; a file removed from the catalogue since is reported by name
    when the message is built (the message fails with that error and is retried)."""
    if not ids:
        return ()
    from portal.projects.models import MediaFile  # the outbox knows the catalogue only for attachments

    found = {media.id: media for media in db.session.scalars(select(MediaFile).where(MediaFile.id.in_(ids)))}
    return tuple((found[i].stored_name, found[i].original_name or found[i].stored_name, found[i].content_type)
                 if i in found else (f"#{i}", "", "") for i in ids)


class MissingAttachment(Exception):
    """An attachment's file is gone: the message is not sent without it."""


class WritesPlainText:
    """A transport that writes a plain-text message's bytes itself (``_send_plain``, with
    ``mime.plain_text_bytes``) and hands every other message to ``send`` as ``build_email``'s."""

    def send_mail(self, mail: OutgoingMail) -> None:
        sender = current_app.config["MAIL_DEFAULT_SENDER"]
        if written_directly(mail, sender):
            self._send_plain(mail, sender)
        else:
            self.send(build_email(mail), mail.id)


class FileTransport(WritesPlainText):
    """Development: each e-mail becomes an .eml file to open in any mail program."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, message: EmailMessage, outbox_id: int) -> None:
        self._write(message.as_bytes(), outbox_id)

    def _send_plain(self, mail: OutgoingMail, sender: str) -> None:
        self._write(plain_text_bytes(mail, sender, clock.now()), mail.id)

    def _write(self, data: bytes, outbox_id: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{outbox_id:06d}.eml").write_bytes(data)


class SmtpTransport(WritesPlainText):
    def __init__(self, config):
        self.host, self.port = config["MAIL_SERVER"], config["MAIL_PORT"]
        self.use_tls, self.timeout = config["MAIL_USE_TLS"], config["MAIL_TIMEOUT"]
        self.username, self.password = config["MAIL_USERNAME"], config["MAIL_PASSWORD"]

        #: Inside ``connected``: the batch's connection, opened by its first message (None until then).
        self.smtp: smtplib.SMTP | None = None
        self.batch = False

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.use_tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage, outbox_id: int) -> None:
        self._talk(lambda smtp: smtp.send_message(message))

    def _send_plain(self, mail: OutgoingMail, sender: str) -> None:
        """As ``send(build_email(mail))`` would, bytes and envelope, for less."""
        data = plain_text_bytes(mail, sender, clock.now(), "\r\n")
        recipients = [mail.recipient] if PLAIN_ADDRESS.fullmatch(mail.recipient) else list(envelope_addresses(mail.recipient))
        self._talk(lambda smtp: smtp.sendmail(envelope_addresses(sender)[0], recipients, data))

    def _talk(self, action: Callable[[smtplib.SMTP], object]) -> None:
        """Over the batch's connection (``connected``), else over one of its own. After any error the
        batch's connection is dropped: the next message starts afresh."""
        if not self.batch:
            with self._connect() as smtp:
                action(smtp)
            return
        if self.smtp is None:
            self.smtp = self._connect()
        try:
            action(self.smtp)
        except BaseException:
            self._close()
            raise

    @contextmanager
    def connected(self) -> Iterator[SmtpTransport]:
        """One connection for the messages sent in the block, opened by the first, closed at the end."""
        self.batch = True
        try:
            yield self
        finally:
            self.batch = False
            self._close()

    def _close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def transport():
    config = current_app.config
    if config["MAIL_SERVER"]:
        return SmtpTransport(config)
    return FileTransport(Path(current_app.instance_path) / "mail")


@lru_cache(maxsize=64)
def envelope_addresses(header: str) -> tuple[str, ...]:
    """The addresses ``smtplib``'s ``send_message`` takes from a From or To header, for the envelope."""
    return tuple(address for _name, address in getaddresses([header]))


def written_directly(mail: OutgoingMail, sender: str) -> bool:
    """Whether ``mime.plain_text_bytes`` writes the message: plain text, no attachment, no calendar,
    and ASCII envelope addresses (else ``smtplib`` would switch to SMTPUTF8 and ``email`` to UTF-8
    headers). Every other message is built by ``build_email``."""
    return not mail.attachments and not mail.files and not mail.calendar \
        and mail.recipient.isascii() and "".join(envelope_addresses(sender)).isascii()


def _hand_over(transport, mail: OutgoingMail) -> None:
    """To the two real transports as the ``OutgoingMail`` (``WritesPlainText``), to any other (a
    test's) as ``build_email``'s ``EmailMessage``."""
    if isinstance(transport, WritesPlainText):
        transport.send_mail(mail)
    else:
        transport.send(build_email(mail), mail.id)


def build_email(mail: OutgoingMail) -> EmailMessage:
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = mail.recipient
    email["Subject"] = mail.subject
    email["Date"] = format_datetime(clock.now())
    email["Message-ID"] = mail.message_id  # the same on every attempt: a receiver can drop a repeat
    if mail.reply_to:
        email["Reply-To"] = mail.reply_to
    if mail.thread:
        email["In-Reply-To"] = mail.thread[-1]
        email["References"] = " ".join(mail.thread)
    email.set_content(mail.body)
    if mail.calendar:
        add_calendar(email, mail.calendar)
    email["Content-Language"] = mail.language  # after set_content, which resets Content-* headers
    for stored_name, download_name, content_type in mail.files:
        path = Path(current_app.config["UPLOAD_DIR"]) / stored_name
        if stored_name.startswith("#") or not path.is_file():
            raise MissingAttachment(f"attachment {download_name or stored_name} is missing ({stored_name})")
        maintype, _, subtype = (content_type or "application/octet-stream").partition("/")
        email.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype or "octet-stream",
                             filename=download_name)
    return email


_METHOD = re.compile(r"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)


def add_calendar(email: EmailMessage, calendar: str) -> None:
    """The invitation as mail clients expect it (RFC 6047): a ``text/calendar`` alternative to the
    text, with the calendar's METHOD, which offers "add to calendar" in one click, and the same file
    as ``invite.ics`` for the clients that only show attachments."""
    found = _METHOD.search(calendar)
    method = found.group(1) if found else "PUBLISH"
    email.add_alternative(calendar, subtype="calendar", params={"method": method})
    email.add_attachment(calendar.encode(), maintype="application", subtype="ics", filename="invite.ics")


def _due(now):
    return or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.locked_until < now),
    )


def _claim(message_ids: list[int], now) -> set[int]:
    """Take the messages still due, counting the attempt, and commit; returns the ids taken: whoever
    loses the race for a message updates nothing of it."""
    claimed = set(db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), _due(now))
        .values(status=OutboxStatus.SENDING, locked_until=now + CLAIM_FOR, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ))
    db.session.commit()
    return claimed


def claim_batch(now: datetime, limit: int = BATCH) -> list[OutgoingMail]:
    """The oldest due messages (at most ``limit``), rendered (those queued with a saved context),
    claimed and committed in one transaction, as plain data; empty when nothing is due. On PostgreSQL
    rows another sender holds are skipped, so several workers share the queue."""
    for _ in range(CLAIM_TRIES):
        messages = db.session.scalars(
            select(OutboxMessage).where(_due(now)).order_by(OutboxMessage.id).limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if not messages:
            db.session.rollback()
            return []
        abandoned = [message for message in messages
                     if message.status == OutboxStatus.SENDING and message.attempts >= MAX_ATTEMPTS]
        if abandoned:
            _give_up_on_abandoned(abandoned)
            continue
        mails, broken = [], None
        held = _prepare_rendering(messages)  # noqa: F841 - kept until the batch is rendered
        with db.session.no_autoflush:  # the rendered texts go in one flush, with the claim
            for message in messages:
                try:
                    _render_saved(message)
                except Exception as error:  # a message that cannot be rendered must not hold up those after it
                    broken = (OutgoingMail(message.id, message.kind, "", "", "", "", ""),
                              f"not rendered: {type(error).__name__}: {error}")
                    break
                mails.append(OutgoingMail.of(message))
        if broken is not None:
            db.session.rollback()
            if _claim([broken[0].id], now):
                _record_failure(*broken)
        else:
            claimed = _claim([mail.id for mail in mails], now)  # the commit keeps the rendered texts
            if claimed:
                return [mail for mail in mails if mail.id in claimed]
    return []


def claim_next(now: datetime) -> OutgoingMail | None:
    """The oldest due message, rendered, claimed and committed (``claim_batch`` of one)."""
    mails = claim_batch(now, 1)
    return mails[0] if mails else None


def _give_up_on_abandoned(messages: list[OutboxMessage]) -> None:
    """Messages whose last attempts all ended with the sender gone (killed, or crashed by the
    message itself) before any outcome was recorded: their attempts are spent, so they are failed, not
    retried for ever. They may have been sent; a stable ``Message-ID`` lets a receiver drop a repeat."""
    for message in messages:
        message.status, message.locked_until = OutboxStatus.FAILED, None
        message.last_error = f"the sender stopped during each of {message.attempts} attempts"
    given_up = [(message.id, message.kind, message.last_error) for message in messages]
    db.session.commit()
    for message_id, kind, error in given_up:
        current_app.logger.warning("outbox: message %s (%s) given up, %s", message_id, kind, error)


def _prepare_rendering(messages: list[OutboxMessage]) -> list:
    from portal.outbox.compose import prepare_rendering  # compose queues, and imports this module

    return prepare_rendering(messages)


def _render_saved(message: OutboxMessage) -> None:
    from portal.outbox.compose import render_saved  # compose queues, and imports this module

    render_saved(message)


#: Per kind, what a feature records in the transaction that marks a message sent (``when_sent``).
WHEN_SENT: dict[str, Callable[[OutboxMessage], None]] = {}


def when_sent(kind: str, record: Callable[[OutboxMessage], None]) -> None:
    """Let a feature record something once a message of ``kind`` is sent (a scheduled follow-up goes on
    the lead's timeline then). A feature registers it in its ``init_app``."""
    WHEN_SENT[kind] = record


@cache
def _mark_sent():
    """Built once per process: building it cost the sender more than running it, for every message."""
    return (update(OutboxMessage).where(OutboxMessage.id == bindparam("outbox_id"))
            .values(status=OutboxStatus.SENT, sent_at=bindparam("sent_now", type_=OutboxMessage.sent_at.type),
                    locked_until=None, last_error=""))


def _record_sent(mail: OutgoingMail) -> None:
    """A message the mail server took, marked sent by one statement that commits itself: no BEGIN
    and COMMIT around it (on PostgreSQL two round trips of the four each message took), on a
    connection of its own, as the session's bookkeeping of a transaction cost more than the UPDATE."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(_mark_sent(), {"outbox_id": mail.id, "sent_now": clock.now()})
    current_app.logger.info("outbox: message %s (%s) sent", mail.id, mail.kind)
    _after_sent(mail)


def _release(mails: list[OutgoingMail]) -> None:
    """Claimed messages the batch did not get to (a stop, or a slow mail server): due again at once,
    their unused attempt not counted."""
    if not mails:
        return
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([mail.id for mail in mails]), OutboxMessage.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.PENDING, locked_until=None, attempts=OutboxMessage.attempts - 1)
        .execution_options(synchronize_session=False))
    db.session.commit()


def _after_sent(mail: OutgoingMail) -> None:
    """The feature's ``when_sent`` record, in a transaction of its own after the ``sent`` status is
    committed: if it fails, that is logged, and the message never looks unsent (it would go out again)."""
    record = WHEN_SENT.get(mail.kind)
    if record is None:
        return
    try:
        record(db.session.get(OutboxMessage, mail.id))
        db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("outbox: message %s (%s) sent, but recording it failed", mail.id, mail.kind)


def _record_failure(mail: OutgoingMail, error: str) -> str:
    message = db.session.get(OutboxMessage, mail.id)
    if message.status != OutboxStatus.SENDING:  # erased meanwhile (personal data): leave it as it is
        db.session.rollback()
        return message.status
    message.last_error, message.locked_until = error[:2000], None
    if message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
    else:
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = clock.now() + retry_delay(message.attempts)
    outcome = message.status
    db.session.commit()
    current_app.logger.warning("outbox: message %s (%s) not sent, %s (%s)", mail.id, mail.kind,
                               "given up" if outcome == OutboxStatus.FAILED else "to retry", error)
    return outcome


def deliver_batch(sender, limit: int = BATCH, now: datetime | None = None, stop=None) -> list[str]:
    """Claim, send and record the oldest due messages (at most ``limit``): one outcome per message
    tried, ``sent``, ``pending`` (to retry) or ``failed``; empty when nothing is due. No database
    connection is held while the mail server is talked to (over one connection, when the sender
    offers ``connected``). A ``stop`` set meanwhile (``worker.StopRequest``) ends the batch after the
    message in hand; the rest are handed back."""
    mails = claim_batch(now or clock.now(), limit)
    db.session.close()
    sent: list[OutgoingMail] = []
    failed: list[tuple[OutgoingMail, str]] = []
    deadline = time.monotonic() + BATCH_FOR.total_seconds()
    with getattr(sender, "connected", nullcontext)():
        for number, mail in enumerate(mails):
            if number and ((stop is not None and stop.is_set()) or time.monotonic() > deadline):
                _release(mails[number:])
                break
            try:
                _hand_over(sender, mail)
            except Exception as error:  # whatever stops one message (server, address, header) is kept on it
                failed.append((mail, f"{type(error).__name__}: {error}"))
            else:
                # Recorded at once, between two conversations with the mail server: a sender that dies
                # mid-batch sends again at most the message in hand, not the ones before it.
                _record_sent(mail)
                db.session.close()
                sent.append(mail)
    outcomes = [OutboxStatus.SENT.value] * len(sent)
    for mail, error in failed:
        outcomes.append(_record_failure(mail, error))
    db.session.close()
    return outcomes


def deliver_next(sender, now: datetime | None = None) -> str | None:
    """Claim, send and record the oldest due message: ``sent``, ``pending`` (to retry) or ``failed``;
    ``None`` when nothing is due (``deliver_batch`` of one)."""
    outcomes = deliver_batch(sender, 1, now)
    return outcomes[0] if outcomes else None


def send_due(limit: int = 100) -> DeliveryReport:
    """Send every message whose time has come (at most ``limit``), in batches; a failure is recorded
    and retried later. The caller's session is closed: call it with nothing pending."""
    report = DeliveryReport()
    sender = transport()
    tried = 0
    while tried < limit:
        outcomes = deliver_batch(sender, min(BATCH, limit - tried))
        if not outcomes:
            break
        for outcome in outcomes:
            report.count(outcome)
        tried += len(outcomes)
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
    thread = threading.Thread(target=_send_in_background, args=(current_app._get_current_object(),),
                              name="outbox-after-commit")
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
