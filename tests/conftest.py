"""Fixtures: one migrated database per run (SQLite by default, PostgreSQL when
TEST_DATABASE_URL points at a server), emptied after every test."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
from flask import g, request_started
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from portal import create_app, page_cache
from portal.extensions import db, limiter
from portal.leads.correspondence.defaults import seed_default_reply_templates
from portal.leads.default_pipeline import seed_default_stages
from portal.leads.models import report_version
from tests import factories

pytest_plugins = ["tests.browser"]


def _postgres_server_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@contextmanager
def temporary_database(tmp_path):
    """A database of our own: never assume the shared PostgreSQL database is empty."""
    server = _postgres_server_url()
    if not server:
        yield f"sqlite:///{tmp_path / 'portal.sqlite3'}"
        return
    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


#: Forms can be sent at once, mail waits for the test to send it, the centre has an address; the
#: portal's public address is the test client's, so the links it writes can be followed.
TEST_SETTINGS = {
    "TESTING": True,
    "FORM_MIN_FILL_SECONDS": 0,
    "MAIL_SEND_AFTER_COMMIT": False,
    "PORTAL_LEADS_EMAIL": "leads@centre.example",
    "PORTAL_BASE_URL": "http://localhost",
    "SERVER_NAME": None,
}


def make_app(database_url: str, instance_path, **config):
    os.environ["PORTAL_INSTANCE_PATH"] = str(instance_path)
    return create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_url, **config})


def _fresh_g(sender, **extra):
    """Tests hold an app context for their database session, and Flask lets requests reuse it:
    give every request an empty ``g`` (the logged-in user, the language), as in production."""
    g.__dict__.clear()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    from flask_migrate import upgrade

    tmp = tmp_path_factory.mktemp("portal")
    with temporary_database(tmp) as url:
        application = make_app(url, tmp / "instance")
        request_started.connect(_fresh_g, application)
        with application.app_context():
            upgrade()
        yield application
        with application.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def empty_database(request):
    """Each test arranges its own data; nothing survives it."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        seed_default_stages()  # the migration's reference data
        seed_default_reply_templates()
        report_version.ensure_row()
        db.session.commit()
        application.extensions["report_cache"].clear()
        limiter.reset()
        page_cache.bump()  # the rows went without the ORM seeing them


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """The database session, inside an app context, for arranging data."""
    with app.app_context():
        yield db.session
        db.session.remove()


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: ...`` counts the SQL statements run inside."""

    @contextmanager
    def counting():
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture
def catalogue(session):
    """A small catalogue the public forms can refer to: two sectors, a park, a project."""
    semis = factories.sector("semiconductors", en="Semiconductors")
    factories.sector("batteries", en="Batteries")
    park = factories.park("vsip-3", texts={"en": "VSIP III", "vi": "KCN VSIP III"})
    factories.project("chip-fab", texts={"en": "Chip packaging plant"}, of=semis, in_park=park)
    session.commit()


@pytest.fixture
def manager(session):
    user = factories.user(role="manager", name="Trần Văn Minh")
    session.commit()
    return user


@pytest.fixture
def admin(session):
    user = factories.user(role="admin", name="Nguyễn Thị Lan")
    session.commit()
    return user


@pytest.fixture
def staff_client(app, manager):
    """A test client logged in as a manager."""
    return logged_in_client(app, manager)


@pytest.fixture
def admin_client(app, admin):
    """A test client logged in as an administrator."""
    return logged_in_client(app, admin)


def logged_in_client(app, user):
    from tests.staff import log_in

    client = app.test_client()
    log_in(client, user)
    return client
