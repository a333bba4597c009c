"""The mail outbox: queue e-mails with the change that causes them, send them after the commit."""
from portal.outbox.compose import queue_mail
from portal.outbox.delivery import send_due, send_soon

__all__ = ["queue_mail", "send_due", "send_soon"]
