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


@pytest.mark.parametrize("base_url", [None, "", "http://invest.example.gov.vn", "https://"])
def test_production_refuses_to_start_without_its_public_https_address(tmp_path, monkeypatch, base_url):
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    env = {"PORTAL_BASE_URL": base_url} if base_url is not None else {}
    with pytest.raises(RuntimeError, match="PORTAL_BASE_URL"):
        build(tmp_path, monkeypatch, PORTAL_ENV="production", SECRET_KEY="x" * 40, **env)


def test_production_starts_with_a_real_secret_and_its_address(tmp_path, monkeypatch):
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    app = build(tmp_path, monkeypatch, PORTAL_ENV="production", SECRET_KEY="x" * 40,
                PORTAL_BASE_URL="https://invest.example.gov.vn:8443/")
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["TRUSTED_HOSTS"] == ["invest.example.gov.vn"]  # Flask compares host names without the port


def test_development_answers_any_host_and_links_to_the_local_portal(tmp_path, monkeypatch):
    for name in ("PORTAL_ENV", "PORTAL_BASE_URL", "TRUSTED_HOSTS", "SESSION_COOKIE_SECURE"):
        monkeypatch.delenv(name, raising=False)
    app = build(tmp_path, monkeypatch)
    assert app.config["TRUSTED_HOSTS"] is None and app.config["PORTAL_BASE_URL"] == "http://127.0.0.1:5000"
    assert app.config["SESSION_COOKIE_NAME"] == "session"


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


def test_sqlite_waits_for_the_disk_at_every_commit_unless_told_otherwise(tmp_path, monkeypatch):
    monkeypatch.delenv("SQLITE_SYNCHRONOUS", raising=False)
    full, normal = 2, 1  # what PRAGMA synchronous reads back
    for env, expected in (({}, full), ({"SQLITE_SYNCHRONOUS": "normal"}, normal)):
        app = build(tmp_path, monkeypatch, **env)
        with app.app_context(), db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA synchronous")).scalar() == expected
        with app.app_context():
            db.engine.dispose()


def test_an_unknown_sqlite_synchronous_value_stops_the_start(tmp_path, monkeypatch):
    with pytest.raises(RuntimeError, match="SQLITE_SYNCHRONOUS"):
        build(tmp_path, monkeypatch, SQLITE_SYNCHRONOUS="OFF")


def test_the_web_process_sends_mail_itself_in_development_and_leaves_it_to_the_worker_in_production(
        tmp_path, monkeypatch):
    monkeypatch.delenv("MAIL_SEND_AFTER_COMMIT", raising=False)
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    assert build(tmp_path, monkeypatch).config["MAIL_SEND_AFTER_COMMIT"] is True
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    production = build(tmp_path, monkeypatch, PORTAL_ENV="production", SECRET_KEY="x" * 40,
                       PORTAL_BASE_URL="https://invest.example.gov.vn")
    assert production.config["MAIL_SEND_AFTER_COMMIT"] is False
    assert build(tmp_path, monkeypatch, MAIL_SEND_AFTER_COMMIT="on").config["MAIL_SEND_AFTER_COMMIT"] is True


def test_public_pages_are_kept_unless_a_developer_edits_templates_under_debug(tmp_path, monkeypatch):
    monkeypatch.delenv("PAGE_CACHE", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    assert build(tmp_path, monkeypatch).extensions["page_cache"] is not None
    assert build(tmp_path, monkeypatch, FLASK_DEBUG="1").extensions["page_cache"] is None
    assert build(tmp_path, monkeypatch, FLASK_DEBUG="1", PAGE_CACHE="on").extensions["page_cache"] is not None
