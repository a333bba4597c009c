"""Headers and cookies: HTTPS only in production (HSTS, a ``__Host-`` session cookie, a Secure
language cookie), requests for another host refused, and nothing from the back office kept in a
browser's or a proxy's cache."""
import pytest
from sqlalchemy import select
from werkzeug.http import parse_cookie

from portal import create_app
from portal.leads.models import DataRequest
from tests import factories
from tests.staff import client_at, post

BASE = "https://invest.example.gov.vn"


def production_app(tmp_path, monkeypatch, **env):
    settings = {"PORTAL_ENV": "production", "SECRET_KEY": "x" * 40, "PORTAL_BASE_URL": BASE, **env}
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in ("TRUSTED_HOSTS", "SESSION_COOKIE_SECURE", "PROXY_FIX_HOPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'portal.sqlite3'}"})


@pytest.fixture
def production(tmp_path, monkeypatch):
    """A browser talking to the portal in production, at its public address."""
    return client_at(production_app(tmp_path, monkeypatch), BASE)


def set_cookie(response, name: str) -> str:
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    return header


def attributes(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


def test_production_tells_browsers_to_keep_to_https(production):
    response = production.get("/robots.txt")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/robots.txt").headers


def test_the_session_cookie_is_a_host_cookie_in_production(production):
    header = set_cookie(production.get("/staff/login"), "__Host-session")
    assert {"secure", "httponly"} <= attributes(header) and "domain" not in attributes(header)
    assert "Path=/" in [part.strip() for part in header.split(";")]


def test_the_language_cookie_is_secure_in_production(production):
    header = set_cookie(production.get("/ko/language?next=/ko/privacy"), "lang")
    assert parse_cookie(header)["lang"] == "ko" and "secure" in attributes(header)


def test_the_language_cookie_works_over_http_in_development(client):
    header = set_cookie(client.get("/ko/language?next=/ko/privacy"), "lang")
    assert "secure" not in attributes(header)


def test_production_serves_only_its_own_host(production):
    assert production.get("/robots.txt").status_code == 200
    assert production.get("/robots.txt", headers={"Host": "evil.example"}).status_code == 400
    assert production.get("/staff/login", headers={"Host": "invest.example.gov.vn.evil.example"}).status_code == 400


def test_behind_a_proxy_a_forged_forwarded_host_is_refused(tmp_path, monkeypatch):
    client = client_at(production_app(tmp_path, monkeypatch, PROXY_FIX_HOPS="1"), BASE)
    assert client.get("/robots.txt", headers={"X-Forwarded-Host": "invest.example.gov.vn"}).status_code == 200
    assert client.get("/robots.txt", headers={"X-Forwarded-Host": "evil.example"}).status_code == 400


def test_trusted_hosts_can_name_more_hosts(tmp_path, monkeypatch):
    app = production_app(tmp_path, monkeypatch, TRUSTED_HOSTS="invest.example.gov.vn, dautu.example.gov.vn")
    client = client_at(app, BASE)
    assert client.get("/robots.txt", headers={"Host": "dautu.example.gov.vn"}).status_code == 200
    assert client.get("/robots.txt", headers={"Host": "evil.example"}).status_code == 400


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_no_back_office_page_is_cached(staff_client, session):
    lead = factories.lead("Hanbit Electronics")
    session.commit()
    for url in ("/staff/", "/staff/leads", f"/staff/leads/{lead.reference}", "/staff/login"):
        response = staff_client.get(url)
        assert response.status_code in (200, 302) and no_store(response), url


def test_no_download_of_personal_data_is_cached(staff_client, session):
    factories.lead("Hanbit Electronics", email="kim@hanbit.example")
    session.commit()
    post(staff_client, "/staff/data-requests", email="kim@hanbit.example", kind="access", channel="e-mail")
    request_id = session.scalars(select(DataRequest)).one().id
    for url in ("/staff/leads/export.csv", "/staff/leads/export.xlsx", "/staff/reports/sources.csv",
                f"/staff/data-requests/{request_id}/export.json", f"/staff/data-requests/{request_id}/export.csv"):
        response = staff_client.get(url)
        assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"], url
        assert response.headers["Cache-Control"] == "no-store", url


def test_public_pages_are_not_marked_no_store(client):
    assert not no_store(client.get("/robots.txt")) and not no_store(client.get("/en/privacy"))
