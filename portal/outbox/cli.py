"""``flask outbox send``: send what is due, for cron or a worker loop."""
import click
from flask.cli import AppGroup

from portal.outbox.delivery import send_due

outbox_cli = AppGroup("outbox", help="The mail outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="At most this many messages in one run.")
def send_command(limit: int) -> None:
    """Send every e-mail whose time has come; failures are retried later with backoff."""
    report = send_due(limit)
    click.echo(f"Outbox: {report.sent} sent, {report.retrying} to retry later, {report.failed} given up.")
