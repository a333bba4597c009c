"""Writing an e-mail into the outbox, rendered in the recipient's language: at once, or, for a kind
registered with ``render_when_sent``, by the sender from a JSON context saved with the message."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Callable

from flask import current_app, render_template
from flask_babel import force_locale, get_translations
from jinja2.runtime import Context
from jinja2.utils import pass_context
from markupsafe import Markup
from sqlalchemy import func, insert, text

from portal.extensions import db
from portal.outbox.delivery import QUEUED
from portal.outbox.models import OutboxMessage, new_message_id
from portal.outbox.worker import CHANNEL


@dataclass(frozen=True)
class Rendering:
    """How a kind's template context becomes plain data (``save``, in the request) and back
    (``load``, in the sender, with the database at hand)."""

    save: Callable[..., dict]
    load: Callable[[dict], dict]
    #: Given the saved contexts of a batch of messages, loads at once what ``load`` would look up for
    #: each (one statement instead of one per message); the sender holds what it returns while it renders.
    prepare: Callable[[list[dict]], object] | None = None


#: Kinds rendered by the sender; every other kind is rendered when queued.
RENDERED_WHEN_SENT: dict[str, Rendering] = {}


def render_when_sent(kind: str, save: Callable[..., dict], load: Callable[[dict], dict],
                     prepare: Callable[[list[dict]], object] | None = None) -> None:
    """Let the sender render ``kind``: the request only saves ``save(**context)``, and the sender
    renders the same templates with ``load(saved)`` (after ``prepare`` of the whole batch's saved
    contexts, if given). A feature registers its busiest kinds in its ``init_app``: a request then
    writes a row, and renders nothing."""
    RENDERED_WHEN_SENT[kind] = Rendering(save, load, prepare)


def prepare_rendering(messages: list[OutboxMessage]) -> list:
    """What the messages' kinds ``prepare`` for rendering, once for all the messages of each: for the
    sender to hold while it renders them. When ``prepare`` cannot read a context, nothing is prepared
    (which is logged): each message is loaded on its own, and the one ``load`` cannot read fails alone."""
    contexts: dict[Callable, list[dict]] = {}
    for message in messages:
        rendering = RENDERED_WHEN_SENT.get(message.kind)
        if message.context is not None and rendering is not None and rendering.prepare is not None:
            contexts.setdefault(rendering.prepare, []).append(message.context)
    held = []
    for prepare, saved in contexts.items():
        try:
            held.append(prepare(saved))
        except (KeyError, TypeError, AttributeError) as error:
            current_app.logger.warning("outbox: %s could not read the saved contexts of %d messages (%s: %s);"
                                       " each is loaded on its own", prepare.__name__, len(saved),
                                       type(error).__name__, error)
    return held


def render_mail(kind: str, language: str, context: dict) -> tuple[str, str]:
    """The subject (on one line) and the text of ``email/<kind>`` in ``language``."""
    with force_locale(language):
        context = {**context, "language": language, **_gettext_in(get_translations())}
        subject = " ".join(render_template(f"email/{kind}.subject.txt", **context).split())
        body = render_template(f"email/{kind}.txt", **context)
    return subject, body


@lru_cache(maxsize=16)
def _gettext_in(translations) -> dict:
    """The templates' ``gettext`` (and so ``_``) and ``ngettext`` bound to one language's catalogue, as
    Jinja's newstyle gettext: ``%`` formatting, ``num`` for plurals. Flask-Babel's own look the catalogue
    up again at every call, a third of the time spent rendering an e-mail."""

    @pass_context
    def gettext(context: Context, message: str, /, **variables) -> str:
        text = translations.ugettext(message)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, /, **variables) -> str:
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    return {"gettext": gettext, "ngettext": ngettext}


def queue_mail(kind: str, recipient: str, language: str, lead_id: int | None = None, **context) -> OutboxMessage:
    """Render ``email/<kind>.subject.txt`` and ``email/<kind>.txt`` in ``language`` (now, or when sent:
    ``render_when_sent``) and add the message to the session. It is sent once the transaction commits:
    by ``flask outbox work``, which PostgreSQL notifies on that commit, by the committing process itself
    (``MAIL_SEND_AFTER_COMMIT``) or by ``flask outbox send``; a rollback drops it, and the notification,
    with everything else."""
    return _enqueue(compose_mail(kind, recipient, language, lead_id, **context))


def compose_mail(kind: str, recipient: str, language: str, lead_id: int | None = None, **context) -> OutboxMessage:
    """The message ``queue_mail`` adds to the session, not yet added: for ``queue_composed``."""
    rendering = RENDERED_WHEN_SENT.get(kind)
    if rendering is None:
        subject, body = render_mail(kind, language, context)
        saved = None
    else:
        subject, body, saved = "", "", rendering.save(**context)
    return OutboxMessage(kind=kind, recipient=recipient, subject=subject, body=body, language=language,
                         lead_id=lead_id, message_id=new_message_id(), context=saved)


#: What ``compose_mail`` sets; the other columns take their defaults, as when the session inserts it.
_COMPOSED = ("kind", "recipient", "subject", "body", "language", "lead_id", "message_id", "context")


def queue_composed(messages: list[OutboxMessage]) -> None:
    """Write messages from ``compose_mail`` in one INSERT (executemany, through the session), sent
    like ``queue_mail``'s: for a caller that needs none of them in the session afterwards. The
    session inserts each message alone on SQLite, to read back its id."""
    if not messages:
        return
    db.session.execute(insert(OutboxMessage.__table__), [{name: getattr(message, name) for name in _COMPOSED}
                                               for message in messages])
    _notify()


def composed_rows(messages: list[OutboxMessage]) -> list[dict]:
    """What ``queue_composed`` writes of each message, for a caller that writes them in a statement of
    its own; that statement must wake the sender on PostgreSQL (``wake_the_sender()``, once), and the
    caller then calls ``written_by_the_caller()``, so they are sent as ``queue_composed``'s."""
    return [{name: getattr(message, name) for name in _COMPOSED} for message in messages]


def wake_the_sender():
    """The expression that wakes ``flask outbox work`` once the transaction commits (PostgreSQL)."""
    return func.pg_notify(CHANNEL, "")


def written_by_the_caller() -> None:
    """Messages of ``composed_rows`` written, and the sender woken, by the caller's own statement."""
    db.session.info[QUEUED] = True


def queue_written(recipient: str, subject: str, body: str, language: str, lead_id: int | None, *,
                  reply_to: str = "", thread: list[str] | None = None, attachments: list[int] | None = None,
                  calendar: str | None = None, kind: str = "written",
                  not_before: datetime | None = None) -> OutboxMessage:
    """Queue a message whose text is final (staff wrote it, or it was rendered for a conversation),
    with its reply address, the Message-IDs it answers, the ``MediaFile`` ids to attach when sending
    and a calendar invitation; with ``not_before``, no sender takes it before that time (it is its
    first ``next_attempt_at``)."""
    message = OutboxMessage(kind=kind, recipient=recipient, subject=subject, body=body, language=language,
                            lead_id=lead_id, message_id=new_message_id(), reply_to=reply_to, thread=thread or None,
                            attachments=attachments or None, calendar=calendar)
    if not_before is not None:
        message.next_attempt_at = not_before
    return _enqueue(message)


def _enqueue(message: OutboxMessage) -> OutboxMessage:
    db.session.add(message)
    _notify()
    return message


def _notify() -> None:
    if db.engine.dialect.name == "postgresql" and not db.session.info.get(QUEUED):
        # once per transaction (the worker, woken, sends all that is due), and without flushing, so
        # that the transaction's e-mails go in one INSERT
        with db.session.no_autoflush:
            db.session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
    db.session.info[QUEUED] = True


def render_saved(message: OutboxMessage) -> None:
    """Render a message queued with a saved context into its ``subject`` and ``body`` (the context is
    then dropped: the text is what was sent). Nothing to do for a message rendered when queued."""
    if message.context is None:
        return
    rendering: Any = RENDERED_WHEN_SENT[message.kind]
    message.subject, message.body = render_mail(message.kind, message.language, rendering.load(message.context))
    message.context = None
