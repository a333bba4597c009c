"""The portal's log lines: JSON in production, each with the id of its request, which the answer's
X-Request-ID header shows; a proxy's id is kept only when the proxy is trusted and the id is sane."""
import io
import json
import logging

import pytest

from portal import logs
from portal.config import Config
from portal.extensions import db
from tests import factories
from tests.conftest import make_app
from tests.staff import log_in


@pytest.fixture
def json_app(app, tmp_path):
    """The suite's database, logging as in production, behind one trusted proxy on loopback."""
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "instance", LOG_FORMAT="json",
                     PROXY_FIX_HOPS=1, TRUSTED_PROXIES=["127.0.0.1"])
    yield other
    with other.app_context():
        db.engine.dispose()
    make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "instance-text")  # text again for the rest


def captured(logger_name: str = "portal") -> io.StringIO:
    [handler] = [h for h in logging.getLogger(logger_name).handlers if getattr(h, logs._HANDLER_MARK, False)]
    stream = io.StringIO()
    handler.setStream(stream)
    return stream


def test_json_log_lines_carry_the_request_id_the_answer_shows(json_app, session):
    officer = factories.user()
    session.commit()
    client = json_app.test_client()
    log_in(client, officer)
    stream = captured()
    response = client.get("/staff/users")  # refused: a security event
    assert response.status_code == 403
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    [refusal] = [line for line in lines if line.get("event") == "access_refused"]
    assert refusal["logger"] == "portal.security" and refusal["level"] == "INFO"
    assert refusal["request_id"] == response.headers["X-Request-ID"] and len(refusal["request_id"]) == 32
    assert (refusal["user_id"], refusal["path"]) == (officer.id, "/staff/users")


def test_every_answer_gets_a_new_id_unless_a_trusted_proxy_sent_a_sane_one(json_app):
    client = json_app.test_client()
    first, second = client.get("/healthz"), client.get("/healthz")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    from_proxy = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a9c01"})
    assert from_proxy.headers["X-Request-ID"] == "edge-7f3a9c01"
    # straight to the port: the client's own id is not believed
    direct = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a9c01"},
                        environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert direct.headers["X-Request-ID"] != "edge-7f3a9c01"
    for insane in ("short", "x" * 200, "id with spaces", "evil\u00e9id-12345"):
        answer = client.get("/healthz", headers={"X-Request-ID": insane})
        assert answer.headers["X-Request-ID"] != insane and len(answer.headers["X-Request-ID"]) == 32


def test_text_logs_name_the_request(app, session, tmp_path):
    text_app = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "instance", LOG_FORMAT="text")
    stream = captured()
    officer = factories.user()
    session.commit()
    client = text_app.test_client()
    log_in(client, officer)
    response = client.get("/staff/users")
    [line] = [line for line in stream.getvalue().splitlines() if "access_refused" in line]
    assert f"[{response.headers['X-Request-ID']}]" in line and "portal.security" in line
    with text_app.app_context():
        db.engine.dispose()


def test_development_logs_text_and_production_json(app, monkeypatch):
    assert app.config["LOG_FORMAT"] == "text"
    monkeypatch.setenv("PORTAL_ENV", "production")
    assert Config(str(app.instance_path)).LOG_FORMAT == "json"


def test_an_unknown_log_format_is_refused(app, tmp_path):
    with pytest.raises(RuntimeError, match="LOG_FORMAT"):
        make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "instance", LOG_FORMAT="xml")
