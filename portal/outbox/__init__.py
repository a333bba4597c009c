"""The mail outbox: queue e-mails with the change that causes them; they go out once it commits,
sent by ``flask outbox work`` (or cron's ``flask outbox send``, or the committing process itself)."""
from flask import Flask

from portal.outbox.compose import queue_mail
from portal.outbox.delivery import listen_to_commits, send_due

__all__ = ["init_app", "queue_mail", "send_due"]


def init_app(app: Flask) -> None:
    """Send after every commit that queued mail (if so configured), and offer ``flask outbox work|send``."""
    from portal.outbox.cli import outbox_cli

    listen_to_commits()
    app.cli.add_command(outbox_cli)
