"""``flask mail fetch`` (cron: one pass) and ``flask mail fetch --watch`` (a service)."""
import logging

import click
from flask import current_app
from flask.cli import AppGroup

from portal.leads.mailbox.fetch import fetch_once, watch

mail_cli = AppGroup("mail", help="The centre's reply mailbox.")


@mail_cli.command("fetch")
@click.option("--watch", "watching", is_flag=True, help="Keep fetching until SIGTERM (a service).")
@click.option("--poll-seconds", type=float, default=None,
              help="With --watch: look this often (default: MAIL_IMAP_POLL_SECONDS).")
def fetch_command(watching: bool, poll_seconds: float | None) -> None:
    """Read new replies from the IMAP mailbox and put them on their leads."""
    if watching:
        if current_app.logger.level == logging.NOTSET:
            current_app.logger.setLevel(logging.INFO)
        watch(poll_seconds or current_app.config["MAIL_IMAP_POLL_SECONDS"])
        return
    report = fetch_once()
    click.echo(f"Mailbox: {report.matched} matched, {report.unmatched} unmatched, "
               f"{report.already} already recorded, {report.failed} failed.")
