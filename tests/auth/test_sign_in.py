"""Signing in takes the password and then a code from the authenticator app (enrolled at the first
sign-in, with one-time recovery codes); sessions live on the server and end at logout, after 30
idle minutes and after 12 hours; wrong attempts lock one account from one address only."""
import json
import logging
from datetime import timedelta

import pyotp
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from portal import clock
from portal.audit import AuditEntry
from portal.auth.models import RecoveryCode, StaffSession, User
from tests import factories
from tests.forms import hidden_fields
from tests.staff import PASSWORD, TOTP_SECRET, csrf_token, log_in, post, totp_code


def password_step(client, user, password: str = PASSWORD, **environ):
    page = client.get("/staff/login", environ_base=environ)
    return client.post("/staff/login", data={**hidden_fields(page.text), "email": user.email, "password": password},
                       environ_base=environ)


def code_step(client, code: str, **environ):
    page = client.get("/staff/login/code", environ_base=environ)
    return client.post("/staff/login/code", data={**hidden_fields(page.text), "code": code}, environ_base=environ)


def test_the_password_alone_does_not_open_the_back_office(client, session):
    officer = factories.user()
    session.commit()
    assert password_step(client, officer).headers["Location"] == "/staff/login/code"
    assert client.get("/staff/").headers["Location"].startswith("/staff/login")
    refused = code_step(client, "000000")
    assert refused.status_code == 400 and "This code is not right" in refused.text
    assert client.get("/staff/").status_code == 302
    assert code_step(client, totp_code(officer)).headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_a_code_works_only_once(app, client, session):
    officer = factories.user()
    session.commit()
    code = pyotp.TOTP(TOTP_SECRET).now()
    password_step(client, officer)
    assert code_step(client, code).status_code == 302
    other = app.test_client()
    password_step(other, officer)
    assert code_step(other, code).status_code == 400


def test_the_first_sign_in_sets_up_the_authenticator_and_gives_recovery_codes(client, session):
    newcomer = factories.user(enrolled=False)
    session.commit()
    assert password_step(client, newcomer).headers["Location"] == "/staff/login/enrol"
    page = client.get("/staff/login/enrol")
    assert 'src="data:image/svg+xml;base64,' in page.text  # the QR code is drawn by the portal itself
    with client.session_transaction() as cookie_session:
        secret = cookie_session["sign_in"]["secret"]
    assert secret in page.text  # the key to type when the phone cannot scan
    wrong = client.post("/staff/login/enrol", data={**hidden_fields(page.text), "code": "123456"})
    assert wrong.status_code == 400 and "This code is not right" in wrong.text
    done = client.post("/staff/login/enrol", data={**hidden_fields(page.text), "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and "shown only this once" in done.text
    codes = [code.replace("-", "") for code in __import__("re").findall(r"<code>([a-z0-9-]{11})</code>", done.text)]
    assert len(codes) == 10
    session.expire_all()
    assert newcomer.totp_secret == secret and client.get("/staff/").status_code == 200
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "two_factor_enrolled")).one()


def test_a_recovery_code_works_once(app, client, session):
    officer = factories.user(enrolled=False)
    session.commit()
    password_step(client, officer)
    page = client.get("/staff/login/enrol")
    with client.session_transaction() as cookie_session:
        secret = cookie_session["sign_in"]["secret"]
    done = client.post("/staff/login/enrol", data={**hidden_fields(page.text), "code": pyotp.TOTP(secret).now()})
    recovery = __import__("re").findall(r"<code>([a-z0-9-]{11})</code>", done.text)[0]
    phone_lost = app.test_client()
    password_step(phone_lost, officer)
    assert code_step(phone_lost, recovery).headers["Location"] == "/staff/"
    assert "9 recovery codes left" in phone_lost.get("/staff/account").text
    again = app.test_client()
    password_step(again, officer)
    assert code_step(again, recovery).status_code == 400


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client, session):
    officer = factories.user()
    session.commit()
    log_in(client, officer)
    copied = client.get_cookie("session").value
    client.post("/staff/logout", data={"csrf_token": csrf_token(client)})
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/staff/").headers["Location"].startswith("/staff/login")
    assert session.scalars(select(StaffSession)).all() == []


def test_a_session_ends_after_30_idle_minutes(client, session, monkeypatch):
    officer = factories.user()
    session.commit()
    start = clock.now()
    log_in(client, officer)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=29))
    assert client.get("/staff/").status_code == 200
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=29 + 31))
    assert client.get("/staff/").headers["Location"].startswith("/staff/login")


def test_a_busy_session_still_ends_12_hours_after_sign_in(client, session, monkeypatch):
    officer = factories.user()
    session.commit()
    start = clock.now()
    log_in(client, officer)
    for minutes in range(25, 12 * 60, 25):  # a request every 25 minutes, all day
        monkeypatch.setattr(clock, "now", lambda minutes=minutes: start + timedelta(minutes=minutes))
        assert client.get("/staff/").status_code == 200, minutes
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=12, minutes=1))
    assert client.get("/staff/").headers["Location"].startswith("/staff/login")


def test_wrong_attempts_lock_the_account_from_that_address_only(app, client, session):
    officer = factories.user()
    session.commit()
    for _ in range(5):
        password_step(client, officer, "not it", REMOTE_ADDR="203.0.113.9")
    assert password_step(client, officer, REMOTE_ADDR="203.0.113.9").status_code == 401
    at_the_office = app.test_client()
    assert password_step(at_the_office, officer, REMOTE_ADDR="198.51.100.20").status_code == 302
    assert code_step(at_the_office, totp_code(officer), REMOTE_ADDR="198.51.100.20").status_code == 302


def test_wrong_codes_count_towards_the_lock_too(client, session):
    officer = factories.user()
    session.commit()
    password_step(client, officer)
    for _ in range(5):
        code_step(client, "000000")
    assert code_step(client, totp_code(officer)).status_code == 400


def test_common_and_short_passwords_are_refused_everywhere(client, session, runner):
    officer = factories.user()
    session.commit()
    log_in(client, officer)
    for weak in ("1234567890", "Password12345", "short one"):
        response = post(client, "/staff/account", **{"password-current": PASSWORD, "password-new": weak,
                                                      "password-confirm": weak})
        assert response.status_code == 400, weak
    assert "too common or too easy to guess" in response.text or "at least 12 characters" in response.text
    refused = runner.invoke(args=["create-user", "x@centre.example", "--name", "X", "--password", "Password12345"])
    assert refused.exit_code != 0 and "too common" in refused.output


def test_an_old_scrypt_hash_becomes_argon2id_at_the_next_sign_in(client, session):
    officer = factories.user()
    officer.password_hash = generate_password_hash(PASSWORD, method="scrypt")
    session.commit()
    assert log_in(client, officer).headers["Location"] == "/staff/"
    session.expire_all()
    assert officer.password_hash.startswith("$argon2id$")


def test_an_administrator_resets_a_lost_authenticator(app, admin_client, session):
    officer = factories.user()
    session.commit()
    phone_lost = app.test_client()
    log_in(phone_lost, officer)
    assert post(admin_client, f"/staff/users/{officer.id}/reset-second-step").status_code == 302
    session.expire_all()
    assert officer.totp_secret == "" and session.scalars(select(RecoveryCode)).all() == []
    assert phone_lost.get("/staff/").status_code == 302  # logged out everywhere
    assert password_step(app.test_client(), officer).headers["Location"] == "/staff/login/enrol"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "two_factor_reset")).one()
    assert entry.entity_id == officer.id


def test_password_links_last_48_hours_and_the_newest_cancels_the_others(app, admin_client, session, monkeypatch):
    from portal.outbox.models import OutboxMessage

    officer = factories.user()
    session.commit()
    post(admin_client, f"/staff/users/{officer.id}/password-link")
    post(admin_client, f"/staff/users/{officer.id}/password-link")
    first, second = [__import__("re").search(r"http://localhost(/staff/set-password/\S+)", m.body).group(1)
                     for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    visitor = app.test_client()
    assert visitor.get(first).status_code == 404
    assert visitor.get(second).status_code == 200
    token = second.rsplit("/", 1)[1]
    assert "." not in token and len(token) >= 40  # random, not a signed payload carrying the account
    later = clock.now() + timedelta(hours=49)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert visitor.get(second).status_code == 404


def test_sign_ins_failures_and_lockouts_are_in_the_security_log(client, session, caplog):
    officer = factories.user()
    session.commit()
    with caplog.at_level(logging.INFO, logger="portal.security"):
        for _ in range(5):
            password_step(client, officer, "not it")
        password_step(client, User(email="nobody@centre.example"), "x")
    events = [json.loads(record.message) for record in caplog.records if record.name == "portal.security"]
    assert [event["event"] for event in events].count("sign_in_failed") == 6
    assert any(event["event"] == "locked_out" and event["user_id"] == officer.id for event in events)
    assert all(event["address"] == "127.0.0.1" and event["path"] == "/staff/login" for event in events)
    with caplog.at_level(logging.INFO, logger="portal.security"):
        log_in(client.application.test_client(), factories.user())
    assert any(json.loads(r.message)["event"] == "sign_in" for r in caplog.records if r.name == "portal.security")
