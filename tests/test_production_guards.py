"""What production refuses, and which client address the portal believes: per-address limits and
lockouts only hold if nobody can choose their own address."""
import json
import logging

import pytest
from flask import Flask, request

from portal import create_app
from portal.proxies import FromTrustedProxies
from tests import factories
from tests.staff import log_in


def _address_app(hops: int, trusted: list[str]) -> Flask:
    app = Flask("probe")
    app.add_url_rule("/", "address", lambda: request.remote_addr or "")
    app.wsgi_app = FromTrustedProxies(app.wsgi_app, hops, trusted)
    return app


def test_forwarded_addresses_count_only_from_the_centres_own_proxy():
    client = _address_app(1, ["127.0.0.1", "10.0.0.0/8"]).test_client()
    headers = {"X-Forwarded-For": "198.51.100.7"}
    assert client.get("/", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}).text == "198.51.100.7"
    assert client.get("/", headers=headers, environ_base={"REMOTE_ADDR": "10.1.2.3"}).text == "198.51.100.7"
    # straight to the port, pretending: the header is ignored
    assert client.get("/", headers=headers, environ_base={"REMOTE_ADDR": "203.0.113.66"}).text == "203.0.113.66"


def test_production_refuses_limits_each_worker_would_count_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PORTAL_BASE_URL", "https://invest.example.gov.vn")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"})
    monkeypatch.delenv("RATELIMIT_STORAGE_URI")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379"


def test_a_refused_page_is_in_the_security_log(app, client, session, caplog):
    officer = factories.user()
    session.commit()
    log_in(client, officer)
    with caplog.at_level(logging.INFO, logger="portal.security"):
        assert client.get("/staff/users").status_code == 403
    [line] = [json.loads(r.message) for r in caplog.records
              if r.name == "portal.security" and json.loads(r.message)["event"] == "access_refused"]
    assert (line["event"], line["user_id"], line["path"], line["endpoint"]) == (
        "access_refused", officer.id, "/staff/users", "users.index")
