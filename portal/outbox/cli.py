"""``flask outbox send``: send what is due, for cron or a worker loop."""
import click
from flask import current_app
from flask.cli import AppGroup

from portal.outbox.delivery import send_due

outbox_cli = AppGroup("outbox", help="The mail outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="At most this many messages in one run.")
def send_command(limit: int) -> None:
    """Send every e-mail whose time has come; failures are retried later with backoff."""
    report = send_due(limit)
    click.echo(f"Outbox: {report.sent} sent, {report.retrying} to retry later, {report.failed} given up.")


reminders_cli = AppGroup("reminders", help="Reminders to staff.")


@reminders_cli.command("send")
@click.option("--force", is_flag=True, help="Also on a weekend or a public holiday.")
def send_reminders_command(force: bool) -> None:
    """Queue each staff member's morning reminder (tasks and first answers due); cron, working mornings."""
    from portal.leads.reminders import send_daily_digests

    # The links in the e-mails need the portal's public address, which a command line does not have.
    with current_app.test_request_context("/", base_url=current_app.config["PORTAL_BASE_URL"]):
        click.echo(f"Reminders: {send_daily_digests(force)} queued in the outbox.")
