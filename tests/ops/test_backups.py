"""``flask backup`` and ``flask restore``: back up, change records and files, restore, and everything
is as it was; a restore refuses without --yes, from another database kind, or from a damaged archive."""
import io
import json
import tarfile

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select, text

from portal.backups import archive
from portal.extensions import db
from portal.leads.models import Lead
from portal.projects.models import InvestmentProject
from tests import factories
from tests.conftest import make_app, temporary_database


@pytest.fixture
def own_app(tmp_path):
    """A database and an upload folder of its own: a restore replaces everything in them."""
    with temporary_database(tmp_path) as url:
        application = make_app(url, tmp_path / "instance", UPLOAD_DIR=str(tmp_path / "uploads"))
        with application.app_context():
            upgrade()
        yield application
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def counts(app) -> tuple[int, int, list[str]]:
    with app.app_context():
        result = (db.session.scalar(select(func.count(Lead.id))),
                  db.session.scalar(select(func.count(InvestmentProject.id))),
                  sorted(db.session.scalars(select(Lead.company))))
        db.session.remove()
    return result


def test_backup_then_restore_puts_records_and_files_back(own_app, tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "ab").mkdir(parents=True)
    (uploads / "ab" / "photo.jpg").write_bytes(b"the original photo")
    (uploads / "brochure.pdf").write_bytes(b"%PDF-1.7 original")
    with own_app.app_context():
        factories.lead("Kept Co")
        factories.lead("Deleted Later Co")
        factories.project("riverside-park")
        db.session.commit()
        db.session.remove()
    before = counts(own_app)

    (tmp_path / "backups").mkdir()
    result = run(own_app, "backup", str(tmp_path / "backups"))  # a folder: a dated name inside
    assert result.exit_code == 0, result.output
    [written] = list((tmp_path / "backups").glob("invest-portal-*.tar.gz"))
    assert "2 uploaded file(s)" in result.output
    assert written.stat().st_mode & 0o077 == 0  # personal data: the owner alone reads it

    with own_app.app_context():
        db.session.delete(db.session.scalars(select(Lead).where(Lead.company == "Deleted Later Co")).one())
        factories.lead("Added After Co")
        db.session.delete(db.session.scalars(select(InvestmentProject)).one())
        db.session.commit()
        db.session.remove()
    (uploads / "ab" / "photo.jpg").write_bytes(b"replaced")
    (uploads / "brochure.pdf").unlink()
    (uploads / "new.png").write_bytes(b"added since")
    assert counts(own_app) != before

    refused = run(own_app, "restore", str(written))
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert counts(own_app) != before

    result = run(own_app, "restore", str(written), "--yes")
    assert result.exit_code == 0, result.output
    assert counts(own_app) == before
    assert sorted(p.relative_to(uploads).as_posix() for p in uploads.rglob("*") if p.is_file()) == [
        "ab/photo.jpg", "brochure.pdf"]
    assert (uploads / "ab" / "photo.jpg").read_bytes() == b"the original photo"
    assert (uploads / "brochure.pdf").read_bytes() == b"%PDF-1.7 original"
    with own_app.app_context():  # the portal goes on working on the restored database
        factories.lead("After Restore Co")
        db.session.commit()
        db.session.remove()
    assert counts(own_app)[0] == before[0] + 1



def test_restore_drops_tables_made_after_the_backup(own_app, tmp_path):
    """A migration run after the backup made a table: the restored database is the backup's, so the
    same migration can run again."""
    with own_app.app_context():
        factories.lead("Kept Co")
        db.session.commit()
        db.session.remove()
    assert run(own_app, "backup", str(tmp_path / "backup.tar.gz")).exit_code == 0
    with own_app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE made_later (id INTEGER PRIMARY KEY)"))
        db.session.remove()

    result = run(own_app, "restore", str(tmp_path / "backup.tar.gz"), "--yes")
    assert result.exit_code == 0, result.output
    with own_app.app_context():
        assert "made_later" not in inspect(db.engine).get_table_names()
        with db.engine.begin() as connection:  # what the later migration does works again
            connection.execute(text("CREATE TABLE made_later (id INTEGER PRIMARY KEY)"))
        db.session.remove()
    assert counts(own_app)[2] == ["Kept Co"]

def test_the_manifest_names_time_revision_dialect_and_checksums(own_app, tmp_path):
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "a.jpg").write_bytes(b"photo")
    target = tmp_path / "portal.tar.gz"
    assert run(own_app, "backup", str(target)).exit_code == 0
    with tarfile.open(target) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
    with own_app.app_context():
        dialect = db.engine.url.get_backend_name()
        heads = _heads(own_app)
    assert manifest["dialect"] == dialect and manifest["alembic_revision"] == heads
    assert manifest["created_at"][:4].isdigit()
    assert set(manifest["files"]) == {archive.DATABASE_FILES[dialect], "uploads/a.jpg"}
    assert names == set(manifest["files"]) | {"manifest.json"}
    assert manifest["files"]["uploads/a.jpg"] == archive.sha256(tmp_path / "uploads" / "a.jpg")


def _heads(app) -> list[str]:
    from alembic.script import ScriptDirectory
    return sorted(ScriptDirectory(app.extensions["migrate"].directory).get_heads())


def _rewrite(source, target, change):
    """A copy of the archive with ``change(name, data) -> data`` applied to each member."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = change(member.name, old.extractfile(member).read())
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))


def test_a_damaged_or_foreign_archive_changes_nothing(own_app, tmp_path):
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "a.jpg").write_bytes(b"photo")
    good = tmp_path / "good.tar.gz"
    assert run(own_app, "backup", str(good)).exit_code == 0
    with own_app.app_context():
        factories.lead("Newer Co")
        db.session.commit()
        db.session.remove()
    before = counts(own_app)

    damaged = tmp_path / "damaged.tar.gz"
    _rewrite(good, damaged, lambda name, data: b"tampered" if name == "uploads/a.jpg" else data)
    result = run(own_app, "restore", str(damaged), "--yes")
    assert result.exit_code != 0 and "checksum mismatch for uploads/a.jpg" in result.output

    other = "postgresql" if own_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else "sqlite"

    def other_kind(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        return json.dumps({**manifest, "dialect": other}).encode()

    foreign = tmp_path / "foreign.tar.gz"
    _rewrite(good, foreign, other_kind)
    result = run(own_app, "restore", str(foreign), "--yes")
    assert result.exit_code != 0 and f"backup is of a {other} database" in result.output

    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"just some bytes")
    assert run(own_app, "restore", str(not_a_backup), "--yes").exit_code != 0
    assert counts(own_app) == before
    assert (tmp_path / "uploads" / "a.jpg").read_bytes() == b"photo"


def test_a_missing_postgresql_client_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(archive.BackupError, match="pg_dump was not found on PATH.*postgresql-client"):
        archive.client_program("pg_dump")
