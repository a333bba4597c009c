"""The operator's commands; the work is in ``archive``."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.backups import archive
from portal.extensions import db


@click.command("backup")
@click.argument("target", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Write the database and the uploaded files to TARGET (a .tar.gz file, or a folder to put a
    dated one in). The archive holds personal data: keep it where only operators can read it."""
    if target.is_dir():
        target = target / archive.default_name()
    db.session.remove()
    try:
        manifest = archive.create(target, db.engine, Path(current_app.config["UPLOAD_DIR"]))
    except archive.BackupError as error:
        raise click.ClickException(str(error)) from error
    uploads = len(manifest.files) - 1
    click.echo(f"Backup written to {target}: {manifest.dialect} database at revision "
               f"{', '.join(manifest.alembic_revision) or 'none'}, {uploads} uploaded file(s).")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Yes, replace the database and the uploaded files.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database and the uploaded files with those in SOURCE, after checking that it is
    of this portal's database kind and that no file was damaged. Stop the web and worker services first."""
    if not yes:
        raise click.UsageError("restore replaces every record and uploaded file with the backup's: "
                               "run it again with --yes to go ahead")
    db.session.remove()
    try:
        manifest = archive.restore(source, db.engine, Path(current_app.config["UPLOAD_DIR"]))
    except archive.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {source} (made {manifest.created_at}, revision "
               f"{', '.join(manifest.alembic_revision) or 'none'}). If the code is newer, run "
               "`flask --app app db upgrade` before starting the portal.")
