"""``flask mail fetch``: read new e-mails from the centre's mailbox over IMAP (standard ``imaplib``).

Each message is read without marking it (``BODY.PEEK[]``), recorded and committed, and only then
marked ``\\Seen``: a crash between the two leaves it unseen, and the next fetch finds it already
recorded (by Message-ID or by UIDVALIDITY/UID) and only marks it. Nothing is ever lost or doubled."""
from __future__ import annotations

import email
import email.policy
import imaplib
import threading
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from portal.extensions import db
from portal.leads.mailbox import operations
from portal.leads.mailbox.matching import read_reply
from portal.outbox.worker import StopRequest, _stop_on_signals


@dataclass
class FetchReport:
    matched: int = 0
    unmatched: int = 0
    already: int = 0
    failed: int = 0


def connect() -> imaplib.IMAP4:
    config = current_app.config
    if not config["MAIL_IMAP_HOST"]:
        raise RuntimeError("MAIL_IMAP_HOST is not set")
    opener = imaplib.IMAP4_SSL if config["MAIL_IMAP_SSL"] else imaplib.IMAP4
    client = opener(config["MAIL_IMAP_HOST"], config["MAIL_IMAP_PORT"], timeout=config["MAIL_IMAP_TIMEOUT"])
    client.login(config["MAIL_IMAP_USER"], config["MAIL_IMAP_PASSWORD"])
    return client


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uidvalidity(client: imaplib.IMAP4) -> int:
    _typ, data = client.response("UIDVALIDITY")
    return int(data[0]) if data and data[0] else 0


def fetch_once(client: imaplib.IMAP4 | None = None) -> FetchReport:
    """One pass over the folder's unseen messages, one commit per message."""
    folder = current_app.config["MAIL_IMAP_FOLDER"]
    own = client is None
    client = client or connect()
    report = FetchReport()
    try:
        typ, _data = client.select(_quoted(folder))
        if typ != "OK":
            raise RuntimeError(f"cannot open IMAP folder {folder}")
        uidvalidity = _uidvalidity(client)
        _typ, data = client.uid("SEARCH", None, "UNSEEN")
        for uid in (int(value) for value in (data[0] or b"").split()):
            _fetch_one(client, folder, uidvalidity, uid, report)
    finally:
        if own:
            try:
                client.logout()
            except (imaplib.IMAP4.error, OSError):
                pass
    return report


def _fetch_one(client: imaplib.IMAP4, folder: str, uidvalidity: int, uid: int, report: FetchReport) -> None:
    typ, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
    raw = next((item[1] for item in data or [] if isinstance(item, tuple)), None)
    if typ != "OK" or raw is None:
        report.failed += 1
        return
    message = email.message_from_bytes(raw, policy=email.policy.default)
    try:
        reply = read_reply(message, f"<imap.{uidvalidity}.{uid}@{folder}>")
    except Exception:  # a malformed e-mail must not stop the others; it stays unseen for a person
        current_app.logger.exception("mailbox: cannot read message UID %s", uid)
        report.failed += 1
        return
    try:
        if operations.already_recorded(reply.message_id, folder, uidvalidity, uid):
            report.already += 1
        else:
            row = operations.record(reply, raw, folder, uidvalidity, uid)
            matched = row.lead_id is not None
            db.session.commit()
            if matched:
                report.matched += 1
            else:
                report.unmatched += 1
    except IntegrityError:  # another fetcher recorded it first
        db.session.rollback()
        report.already += 1
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("mailbox: cannot record message UID %s; it stays unseen", uid)
        report.failed += 1
        return
    client.uid("STORE", str(uid), "+FLAGS", "(\\Seen)")


def watch(poll_seconds: float, stop: StopRequest | None = None) -> None:
    """Fetch every ``poll_seconds`` until SIGTERM or Ctrl-C (the message in hand is finished first).
    Connection or database errors are logged and tried again next time."""
    stop = stop or StopRequest()
    if threading.current_thread() is threading.main_thread():
        _stop_on_signals(stop)
    log = current_app.logger
    log.info("mailbox: watching %s every %s s", current_app.config["MAIL_IMAP_FOLDER"], poll_seconds)
    while not stop.is_set():
        try:
            report = fetch_once()
            if report.matched or report.unmatched or report.failed:
                log.info("mailbox: %s", report)
        except (imaplib.IMAP4.error, OSError, RuntimeError) as error:
            log.warning("mailbox: fetching failed (%s); trying again later", error)
        finally:
            db.session.remove()
        stop.wait(poll_seconds)
    log.info("mailbox: stopped")
