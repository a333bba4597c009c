"""Reading queued e-mails as they will be sent: the kinds the sender renders (``render_when_sent``)
wait in the outbox with their context, so a test renders them first, as the sender does."""
from __future__ import annotations

from portal.outbox.compose import render_saved


def as_sent(messages):
    """The messages, each rendered as the sender renders it (in the caller's session, not committed)."""
    messages = list(messages)
    for message in messages:
        render_saved(message)
    return messages


class Catcher:
    """A transport that keeps the e-mails ``delivery.build_email`` built."""

    def __init__(self):
        self.sent = []

    def send(self, message, outbox_id):
        self.sent.append(message)
