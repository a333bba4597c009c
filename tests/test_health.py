"""/healthz and /readyz: what a load balancer polls. Ready means the database answers, its schema is
the code's, and the outbox is being sent; anything else is a 503 that names what failed."""
from datetime import timedelta

from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from portal import clock
from portal.extensions import db
from portal.outbox.models import OutboxMessage, OutboxStatus
from tests.conftest import _postgres_server_url, make_app, temporary_database


def queued(session, *, due_minutes_ago: int, status: str = OutboxStatus.PENDING, created_minutes_ago: int = 0):
    """An e-mail in the outbox, due (or, with a negative value, to be retried) that many minutes ago."""
    now = clock.now()
    message = OutboxMessage(kind="acknowledgement", recipient="investor@example.com", subject="Thank you",
                            body="...", language="en", status=status,
                            next_attempt_at=now - timedelta(minutes=due_minutes_ago),
                            created_at=now - timedelta(minutes=max(created_minutes_ago, due_minutes_ago)))
    session.add(message)
    session.commit()
    return message


def unreachable_database_url(tmp_path) -> str:
    """A database of the suite's kind that cannot be opened: nothing listens on port 1, and SQLite
    cannot create a file in a folder that does not exist."""
    server = _postgres_server_url()
    if server:
        return make_url(server).set(host="127.0.0.1", port=1, database="nowhere").render_as_string(hide_password=False)
    return f"sqlite:///{tmp_path / 'missing-folder' / 'portal.sqlite3'}"


def assert_never_cached_and_cookieless(response):
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers.getlist("Set-Cookie") == []
    assert response.is_json


def test_healthz_says_the_process_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert_never_cached_and_cookieless(response)


def test_readyz_is_ready_on_a_migrated_database_with_a_flowing_outbox(client, session):
    queued(session, due_minutes_ago=2)
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ready" and body["failing"] == []
    assert set(body["checks"]) == {"database", "migrations", "outbox"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["migrations"]["database"] == body["checks"]["migrations"]["code"] != []
    assert body["checks"]["outbox"]["oldest_due_minutes"] == 2
    assert_never_cached_and_cookieless(response)


def test_an_unreachable_database_is_a_503_naming_it_and_healthz_still_answers(tmp_path):
    app = make_app(unreachable_database_url(tmp_path), tmp_path / "instance")
    client = app.test_client()

    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unready" and body["failing"] == ["database"]
    assert body["checks"] == {"database": {"ok": False, "error": "OperationalError"}}
    assert_never_cached_and_cookieless(response)
    assert client.get("/healthz").status_code == 200  # never touches the database
    with app.app_context():
        db.engine.dispose()


def test_a_pending_migration_is_a_503_naming_it(tmp_path):
    with temporary_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            scripts = ScriptDirectory(app.extensions["migrate"].directory)
            [head] = scripts.get_heads()
            previous = scripts.get_revision(head).down_revision
            upgrade(revision=previous)  # the new code is deployed, `flask db upgrade` not yet run

            response = app.test_client().get("/readyz")
            assert response.status_code == 503
            body = response.get_json()
            assert body["failing"] == ["migrations"]
            assert body["checks"]["migrations"] == {"ok": False, "database": [previous], "code": [head]}

            upgrade()
            assert app.test_client().get("/readyz").status_code == 200
            db.engine.dispose()


def test_an_empty_database_is_not_ready(tmp_path):
    with temporary_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        response = app.test_client().get("/readyz")
        assert response.status_code == 503 and response.get_json()["failing"] == ["migrations", "outbox"]
        with app.app_context():
            db.engine.dispose()


def test_mail_waiting_long_past_its_time_is_a_503_naming_the_outbox(client, session):
    queued(session, due_minutes_ago=2)
    queued(session, due_minutes_ago=16, status=OutboxStatus.SENDING)  # its sender died mid-message
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["failing"] == ["outbox"]
    assert body["checks"]["outbox"] == {"ok": False, "oldest_due_minutes": 16, "max_age_minutes": 15, "failed": 0}
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]


def test_the_outbox_age_limit_is_a_setting(app, client, session, monkeypatch):
    queued(session, due_minutes_ago=20)
    assert client.get("/readyz").status_code == 503
    monkeypatch.setitem(app.config, "READY_OUTBOX_MAX_AGE_MINUTES", 30)
    assert client.get("/readyz").status_code == 200


def test_failed_and_retried_mail_is_reported_not_held_against_the_instance(client, session):
    queued(session, due_minutes_ago=600, status=OutboxStatus.FAILED)
    queued(session, due_minutes_ago=-4, created_minutes_ago=120)  # retried after a mail server outage
    queued(session, due_minutes_ago=300, status=OutboxStatus.SENT)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["outbox"] == {
        "ok": True, "oldest_due_minutes": 0, "max_age_minutes": 15, "failed": 1}


def test_a_signed_in_staff_member_gets_no_cookie_from_either(staff_client):
    for path in ("/healthz", "/readyz"):
        response = staff_client.get(path)
        assert response.status_code == 200
        assert response.headers.getlist("Set-Cookie") == []


def test_neither_is_rate_limited_when_the_api_and_forms_are(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    monkeypatch.setitem(app.config, "PORTAL_FORM_RATE_LIMIT", "2 per minute")
    # distinct questions: the page cache answers a repeat without counting it
    assert [client.get(f"/api/v1/sectors?lang={lang}").status_code for lang in ("en", "ko", "ja")] == [200, 200, 429]
    assert [client.post("/en/inquire").status_code for _ in range(3)][-1] == 429
    for path in ("/healthz", "/readyz"):
        assert {client.get(path).status_code for _ in range(5)} == {200}


def test_neither_is_in_the_sitemap(client):
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<loc>" in sitemap
    assert "healthz" not in sitemap and "readyz" not in sitemap
