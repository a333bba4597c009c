"""``flask outbox work`` (a service) and ``flask outbox send`` (cron): two ways to send the outbox."""
import logging

import click
from flask import current_app
from flask.cli import AppGroup

from portal.outbox.delivery import send_due
from portal.outbox.worker import work

outbox_cli = AppGroup("outbox", help="The mail outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="At most this many messages in one run.")
def send_command(limit: int) -> None:
    """Send every e-mail whose time has come; failures are retried later with backoff."""
    report = send_due(limit)
    click.echo(f"Outbox: {report.sent} sent, {report.retrying} to retry later, {report.failed} given up.")


@outbox_cli.command("work")
@click.option("--poll-seconds", type=float, default=None,
              help="Look for due mail at least this often (default: OUTBOX_POLL_SECONDS).")
def work_command(poll_seconds: float | None) -> None:
    """Send each e-mail as soon as it is queued, until SIGTERM or Ctrl-C; logs each message to stderr."""
    if current_app.logger.level == logging.NOTSET:
        current_app.logger.setLevel(logging.INFO)
    work(poll_seconds or current_app.config["OUTBOX_POLL_SECONDS"])
