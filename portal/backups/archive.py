"""One archive holds everything to rebuild the portal's data: the database and the uploaded photos
and brochures (the database has their records, the folder their bytes), with a manifest saying
when, from which schema revision and database kind, and a SHA-256 checksum of every file.

SQLite is copied with its online backup API (a consistent copy while the portal runs), PostgreSQL
with ``pg_dump --format=custom`` (restored by its ``pg_restore --clean`` script in one ``psql`` transaction). A restore checks every
checksum and the database kind before it touches anything.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import URL

from portal import clock

MANIFEST = "manifest.json"
FORMAT = 1
UPLOADS = "uploads"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """What went wrong, in words for the operator; nothing was changed."""


@dataclass
class Manifest:
    created_at: str
    alembic_revision: list[str]
    dialect: str
    database: str
    files: dict[str, str]
    format: int = FORMAT

    def as_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def client_program(name: str) -> str:
    """The path of a PostgreSQL client program, or a message saying how to get it."""
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found on PATH: install the PostgreSQL client programs "
                          f"(Debian: apt-get install postgresql-client) of the server's major version or newer")
    return found


def _libpq(url: URL) -> tuple[str, dict]:
    """A libpq connection URI without the password (kept off the process list) and the environment
    carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict) -> str:
    """What the program printed; its error output in a ``BackupError`` when it fails."""
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return result.stdout


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def dump_database(engine, target: Path) -> None:
    url = engine.url
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        uri, env = _libpq(url)
        _run([client_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              f"--file={target}", f"--dbname={uri}"], env)
    else:
        raise BackupError(f"no backup method for a {url.get_backend_name()} database")


def load_database(engine, source: Path) -> None:
    """Put the archived database in place of the live one. Every pooled connection is closed first,
    so that none holds a lock the restore waits for."""
    url = engine.url
    engine.dispose()
    if url.get_backend_name() == "sqlite":
        archived = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_path(url))
        try:
            archived.backup(live)
        finally:
            live.close()
            archived.close()
    else:
        uri, env = _libpq(url)
        script = source.with_suffix(".sql")
        script.write_text(_drop_tables_added_since(engine, source, env) + _restore_script(source, env))
        _run([client_program("psql"), "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
              f"--dbname={uri}", f"--file={script}"], env)


def _restore_script(source: Path, env: dict) -> str:
    return _run([client_program("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                    "--file=-", str(source)], env)


def _drop_tables_added_since(engine, source: Path, env: dict) -> str:
    """Tables the live database has and the archive has not (made by a migration after the backup):
    dropped in the same transaction, or the restored database could not be upgraded again."""
    listing = _run([client_program("pg_restore"), "--list", str(source)], env)
    archived = {tuple(line.split()[4:6]) for line in listing.splitlines()
                if not line.startswith(";") and line.split()[3:4] == ["TABLE"]}
    with engine.connect() as connection:
        live = connection.execute(text(
            "SELECT schemaname, tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()")).all()
    engine.dispose()
    added = sorted(f'"{schema}"."{table}"' for schema, table in live if (schema, table) not in archived)
    return "".join(f"DROP TABLE IF EXISTS {name} CASCADE;\n" for name in added)


def _uploads(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def create(target: Path, engine, upload_dir: Path) -> Manifest:
    """Write the archive to ``target`` (via a temporary file beside it: a half-written archive is
    never left under the final name)."""
    dialect = engine.url.get_backend_name()
    if dialect not in DATABASE_FILES:
        raise BackupError(f"no backup method for a {dialect} database")
    with engine.connect() as conn:
        revision = sorted(MigrationContext.configure(conn).get_current_heads())
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as work:
        database = Path(work) / DATABASE_FILES[dialect]
        dump_database(engine, database)
        members = {DATABASE_FILES[dialect]: database}
        for path in _uploads(upload_dir):
            members[str(PurePosixPath(UPLOADS, *path.relative_to(upload_dir).parts))] = path
        manifest = Manifest(created_at=clock.now().isoformat(timespec="seconds"), alembic_revision=revision,
                            dialect=dialect, database=DATABASE_FILES[dialect],
                            files={name: sha256(path) for name, path in members.items()})
        (Path(work) / MANIFEST).write_bytes(manifest.as_json())
        partial = target.with_name(f".{target.name}.partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(work) / MANIFEST, MANIFEST)
            for name, path in members.items():
                tar.add(path, name)
        os.chmod(partial, 0o600)  # the archive holds personal data
        partial.replace(target)
    return manifest


def _read_manifest(tar: tarfile.TarFile) -> Manifest:
    try:
        data = json.loads(tar.extractfile(MANIFEST).read())
        manifest = Manifest(**data)
    except (KeyError, AttributeError, TypeError, ValueError) as error:
        raise BackupError(f"not a portal backup (no readable {MANIFEST}: {error})") from error
    if manifest.format != FORMAT:
        raise BackupError(f"backup format {manifest.format} is not the one this portal reads ({FORMAT})")
    for name in manifest.files:
        parts = PurePosixPath(name).parts
        if PurePosixPath(name).is_absolute() or ".." in parts or not (name == manifest.database or parts[0] == UPLOADS):
            raise BackupError(f"the manifest names a file outside the backup's folders: {name!r}")
    return manifest


def unpack(archive: Path, into: Path, dialect: str) -> Manifest:
    """Extract the files the manifest lists into ``into`` and check each checksum; raise before
    anything live is touched when the archive is of another database kind, incomplete or altered."""
    try:
        tar = tarfile.open(archive, "r:*")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"cannot read {archive}: {error}") from error
    with tar:
        manifest = _read_manifest(tar)
        if manifest.dialect != dialect:
            raise BackupError(f"this backup is of a {manifest.dialect} database; the portal uses {dialect}: "
                              "restore it into a portal of the same kind")
        for name, expected in manifest.files.items():
            try:
                member = tar.getmember(name)
            except KeyError as error:
                raise BackupError(f"the archive lacks {name}") from error
            if not member.isfile():
                raise BackupError(f"{name} in the archive is not a plain file")
            tar.extract(member, into, filter="data")
            if sha256(into / name) != expected:
                raise BackupError(f"checksum mismatch for {name}: the archive is damaged or was altered")
    return manifest


def put_back_uploads(source: Path, upload_dir: Path) -> None:
    """Make ``upload_dir`` hold exactly the archived files: replaced where changed, removed where
    added since. The folder itself stays (it may be a mounted volume)."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    keep = set()
    for path in _uploads(source):
        relative = path.relative_to(source)
        keep.add(relative)
        destination = upload_dir / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    for path in _uploads(upload_dir):
        if path.relative_to(upload_dir) not in keep:
            path.unlink()


def restore(archive: Path, engine, upload_dir: Path) -> Manifest:
    dialect = engine.url.get_backend_name()
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
        manifest = unpack(archive, Path(work), dialect)
        load_database(engine, Path(work) / manifest.database)
        put_back_uploads(Path(work) / UPLOADS, upload_dir)
    return manifest


def default_name() -> str:
    return f"invest-portal-{clock.now().strftime('%Y%m%d-%H%M%S')}.tar.gz"
