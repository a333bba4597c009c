"""``flask backup`` and ``flask restore``: the database and the uploaded files in one archive."""
from flask import Flask


def init_app(app: Flask) -> None:
    from portal.backups.cli import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
