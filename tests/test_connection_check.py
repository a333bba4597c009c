"""A pooled connection is pinged before use only when it is in doubt (``portal.connection_check``), and a
connection the database server ended is still never handed to a request."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select, text

from portal import connection_check
from portal.extensions import db
from portal.leads.models import Lead
from tests.conftest import make_app
from tests.forms import inquiry, submit


@pytest.fixture
def pings(app, monkeypatch):
    """The pings sent, counted."""
    sent = []
    with app.app_context():
        dialect = db.engine.dialect
    real_ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda connection: sent.append(connection) or real_ping(connection))
    return sent


def _used_and_returned(app) -> None:
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        db.session.remove()


def test_a_connection_in_use_a_moment_ago_goes_out_without_a_ping(app, pings):
    _used_and_returned(app)
    pings.clear()

    _used_and_returned(app)
    _used_and_returned(app)

    assert pings == []


def test_a_connection_idle_for_long_is_pinged_first(app, pings, monkeypatch):
    _used_and_returned(app)
    pings.clear()
    monkeypatch.setattr(connection_check, "PING_AFTER_IDLE", 0.01)
    time.sleep(0.02)

    _used_and_returned(app)

    assert len(pings) == 1


def test_a_connection_the_server_ended_a_moment_ago_is_replaced_before_the_request_uses_it(app, tmp_path):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("only a server can end a connection")
        url = db.engine.url.render_as_string(hide_password=False)
    portal = make_app(url, tmp_path / "instance")
    with portal.app_context():
        ended = db.session.scalar(select(func.pg_backend_pid()))
        db.session.remove()  # back in the pool, used a moment ago
    with app.app_context():
        assert db.session.scalar(select(func.pg_terminate_backend(ended)))
        deadline = time.monotonic() + 5
        while db.session.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": ended}):
            assert time.monotonic() < deadline
            db.session.rollback()  # a fresh snapshot of the server's activity
            time.sleep(0.01)
        db.session.remove()

    response = submit(portal.test_client(), "/en/inquire", inquiry(email="after.restart@example.com", sectors=None))

    assert response.status_code == 302
    with portal.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lead).where(
            Lead.email_normalized == "after.restart@example.com")) == 1
        assert db.session.scalar(select(func.pg_backend_pid())) != ended
        db.session.remove()
        db.engine.dispose()
