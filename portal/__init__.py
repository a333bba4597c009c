"""Invest Portal: the application factory."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, g, render_template, request
from sqlalchemy import event
from werkzeug.http import HTTP_STATUS_CODES

from portal import (auth, backups, clean_input, connection_check, health, i18n, leads, logs, metrics, outbox, page_cache,
                    projects, region)
from portal.config import Config, check_production_settings
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate
from portal.proxies import FromTrustedProxies

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("PORTAL_INSTANCE_PATH") or str(ROOT / "instance"))
    app.config.from_mapping(Config(app.instance_path).as_dict())
    if test_config:
        app.config.from_mapping(test_config)
    check_production_settings(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    logs.init_app(app)
    metrics.init_app(app)  # first, so its clock starts before any other work of the request
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    clean_input.init_app(app)
    region.init_app(app)
    outbox.init_app(app)
    with app.app_context():
        _tune_sqlite(db.engine, app.config["SQLITE_SYNCHRONOUS"])
        connection_check.ping_when_in_doubt(db.engine)

    _register_blueprints(app)
    _register_error_pages(app)
    _register_transaction_end(app)
    _register_security_headers(app)
    _register_commands(app)
    page_cache.init_app(app, on_hit=metrics.count_cached_answer)
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:  # outermost: the cache sees the visitor's real address and host
        app.wsgi_app = FromTrustedProxies(app.wsgi_app, hops, app.config["TRUSTED_PROXIES"])
    return app


#: ``SQLITE_SYNCHRONOUS`` values: how long a commit waits for the disk.
SQLITE_SYNCHRONOUS = ("FULL", "NORMAL")


def _tune_sqlite(engine, synchronous: str) -> None:
    """SQLite ignores foreign keys unless asked; WAL lets readers work while a lead is written."""
    if engine.dialect.name != "sqlite":
        return
    if synchronous not in SQLITE_SYNCHRONOUS:
        raise RuntimeError(f"SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS)}, not {synchronous!r}")

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()


def _register_blueprints(app: Flask) -> None:
    from portal.api import views as api
    from portal.auth import users, views as auth_views
    from portal.public import key_figures, views as public

    app.register_blueprint(public.bp)
    app.register_blueprint(key_figures.bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(users.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)
    leads.init_app(app)
    projects.init_app(app)


def _register_error_pages(app: Flask) -> None:
    def render_error(status: int):
        if request.path.startswith("/api/"):
            return {"error": {"status": status, "message": HTTP_STATUS_CODES[status]}}, status
        if "lang" not in g:
            g.lang = i18n.negotiate_language()
        return render_template(f"errors/{status}.html"), status

    @app.errorhandler(403)
    def forbidden(_error):
        return render_error(403)

    @app.errorhandler(404)
    def not_found(_error):
        return render_error(404)

    @app.errorhandler(413)
    def too_large(_error):
        return render_error(413)

    @app.errorhandler(429)
    def too_many_requests(_error):
        return render_error(429)

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        g.page_failed = True  # the language links lead home: this page's own address may be what failed
        return render_error(500)


def _register_transaction_end(app: Flask) -> None:
    """Views commit once, at the end of their work; a request that fails on the way keeps nothing
    it changed, even when the error propagates (tests, the debugger)."""

    @app.teardown_request
    def roll_back_a_failed_request(error):
        if error is not None:
            db.session.rollback()


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
        )
        if app.config["STRICT_TRANSPORT_SECURITY"]:
            response.headers.setdefault("Strict-Transport-Security", app.config["STRICT_TRANSPORT_SECURITY"])
        if request.path.startswith("/staff/"):
            # Leads, exports and reports hold personal data: no browser or proxy may keep a copy
            response.headers["Cache-Control"] = "no-store"
        return response


def _register_commands(app: Flask) -> None:
    from portal.auth.cli import create_user_command
    from portal.demo import demo_code_command, demo_data_command

    app.cli.add_command(demo_data_command)
    app.cli.add_command(demo_code_command)
    app.cli.add_command(create_user_command)
    backups.init_app(app)
