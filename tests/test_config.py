"""Settings from the environment, the production guard and the SQLite connection settings."""
import pytest
from sqlalchemy import text

from portal import create_app
from portal.extensions import db


def build(tmp_path, monkeypatch, **env):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'portal.sqlite3'}"})


def test_production_refuses_the_default_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        build(tmp_path, monkeypatch, PORTAL_ENV="production")


def test_production_starts_with_a_real_secret(tmp_path, monkeypatch):
    app = build(tmp_path, monkeypatch, PORTAL_ENV="production", SECRET_KEY="x" * 40)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'instance' / 'portal.sqlite3'}"


def test_sqlite_enforces_foreign_keys_and_uses_wal(tmp_path, monkeypatch):
    app = build(tmp_path, monkeypatch)
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
