"""Writing an e-mail into the outbox, rendered in the recipient's language."""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import text

from portal.extensions import db
from portal.outbox.delivery import QUEUED
from portal.outbox.models import OutboxMessage, new_message_id
from portal.outbox.worker import CHANNEL


def queue_mail(kind: str, recipient: str, language: str, lead_id: int | None = None, **context) -> OutboxMessage:
    """Render ``email/<kind>.subject.txt`` and ``email/<kind>.txt`` in ``language`` and add the
    message to the session. It is sent once the transaction commits: by ``flask outbox work``, which
    PostgreSQL notifies on that commit, by the committing process itself (``MAIL_SEND_AFTER_COMMIT``)
    or by ``flask outbox send``; a rollback drops it, and the notification, with everything else."""
    with force_locale(language):
        subject = " ".join(render_template(f"email/{kind}.subject.txt", language=language, **context).split())
        body = render_template(f"email/{kind}.txt", language=language, **context)
    message = OutboxMessage(kind=kind, recipient=recipient, subject=subject, body=body, language=language,
                            lead_id=lead_id, message_id=new_message_id())
    db.session.add(message)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
    db.session.info[QUEUED] = True
    return message
