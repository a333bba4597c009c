"""Staff accounts: login, throttling, logout everywhere, language, and the create-user command."""
from datetime import timedelta

from sqlalchemy import select

from portal import clock
from portal.auth.models import User
from tests import factories
from tests.staff import PASSWORD, csrf_token, log_in, totp_code


def test_login_and_logout(client, session):
    officer = factories.user(name="Lê Hoàng Anh")
    session.commit()
    response = log_in(client, officer)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    assert "Lê Hoàng Anh" in client.get("/staff/").text
    response = client.post("/staff/logout", data={"csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/staff/login"
    assert client.get("/staff/").headers["Location"].startswith("/staff/login")


def test_wrong_password_is_refused_with_one_message_for_every_cause(client, session):
    officer = factories.user()
    session.commit()
    wrong = log_in(client, officer, password="not it")
    unknown = client.post("/staff/login", data={"email": "nobody@centre.example", "password": "x"})
    assert wrong.status_code == 401
    assert "The e-mail or the password is wrong" in wrong.text
    assert unknown.status_code in (400, 401)


def test_repeated_failures_lock_the_account_for_a_while(client, session, monkeypatch):
    officer = factories.user()
    session.commit()
    for _ in range(5):
        log_in(client, officer, password="guess")
    assert log_in(client, officer).status_code == 401  # even the right password, for now
    later = clock.now() + timedelta(minutes=16)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert log_in(client, officer).status_code == 302


def test_login_is_rate_limited_per_address(client, session, app, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_LOGIN_RATE_LIMIT", "3 per minute")
    officer = factories.user()
    session.commit()
    for _ in range(3):
        log_in(client, officer, password="guess")
    assert log_in(client, officer).status_code == 429


def test_next_page_after_login_stays_in_the_back_office(client, session):
    officer = factories.user()
    session.commit()
    page = client.get("/staff/leads")
    assert page.headers["Location"] == "/staff/login?next=/staff/leads"
    from tests.forms import hidden_fields

    form = hidden_fields(client.get("/staff/login?next=/staff/leads").text)
    client.post("/staff/login?next=/staff/leads", data={**form, "email": officer.email, "password": PASSWORD})
    response = client.post("/staff/login/code", data={**form, "code": totp_code(officer)})
    assert response.headers["Location"] == "/staff/leads"
    client.post("/staff/logout", data={"csrf_token": csrf_token(client)})
    form = hidden_fields(client.get("/staff/login").text)
    client.post("/staff/login?next=https://evil.example/", data={**form, "email": officer.email, "password": PASSWORD})
    response = client.post("/staff/login/code", data={**form, "code": totp_code(officer)})
    assert response.headers["Location"] == "/staff/"


def test_each_staff_member_reads_the_back_office_in_their_language(client, session):
    officer = factories.user(language="ko")
    session.commit()
    log_in(client, officer)
    assert '<html lang="ko">' in client.get("/staff/").text
    response = client.post("/staff/account", data={"csrf_token": csrf_token(client), "language-language": "ja"})
    assert response.status_code == 302
    assert '<html lang="ja">' in client.get("/staff/").text
    assert client.get_cookie("lang") is None  # the public site's remembered language is not touched


def test_changing_the_password_logs_out_every_other_session(app, client, session):
    officer = factories.user()
    session.commit()
    other_device = app.test_client()
    log_in(client, officer)
    log_in(other_device, officer)
    response = client.post("/staff/account", data={
        "csrf_token": csrf_token(client), "password-current": PASSWORD,
        "password-new": "a much longer new secret", "password-confirm": "a much longer new secret"})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200  # this session goes on
    assert other_device.get("/staff/").status_code == 302  # the other one ended


def test_password_change_needs_the_current_password(client, session):
    officer = factories.user()
    session.commit()
    log_in(client, officer)
    response = client.post("/staff/account", data={
        "csrf_token": csrf_token(client), "password-current": "wrong", "password-new": "new secret 12345",
        "password-confirm": "new secret 12345"})
    assert response.status_code == 400 and "This is not your current password." in response.text


def test_deactivated_staff_are_logged_out(client, session):
    officer = factories.user()
    session.commit()
    log_in(client, officer)
    officer.active = False
    session.commit()
    assert client.get("/staff/").status_code == 302


def test_create_user_command(runner, session):
    result = runner.invoke(args=["create-user", "Chief@Centre.example", "--name", "Chief", "--role", "admin",
                                 "--password", "long enough secret"])
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User)).one()
    assert (user.email, user.role) == ("chief@centre.example", "admin")
    assert user.password_hash.startswith("$argon2id$") and user.check_password("long enough secret")
    again = runner.invoke(args=["create-user", "chief@centre.example", "--name", "Chief", "--password", "x" * 12])
    assert again.exit_code != 0 and "exists already" in again.output


def test_create_user_prompts_for_the_password(runner, session):
    result = runner.invoke(args=["create-user", "new@centre.example", "--name", "New"],
                           input="typed secret 123\ntyped secret 123\n")
    assert result.exit_code == 0, result.output
    assert session.scalars(select(User)).one().check_password("typed secret 123")
