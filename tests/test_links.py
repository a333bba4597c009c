"""Every absolute link the portal writes is on PORTAL_BASE_URL: a request that claims another host
(``Host:`` or, behind a proxy, ``X-Forwarded-Host:``) cannot put its address into an e-mail, the
sitemap, robots.txt, the API or a page's canonical links."""
import re

import pytest
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.leads.models import Lead
from portal.links import external_url
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.forms import hidden_fields, inquiry
from tests.mails import as_sent
from tests.staff import client_at, csrf_token, log_in

BASE = "https://invest.example.gov.vn"
EVIL = "evil.example"
URL = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", BASE)
    return BASE


@pytest.fixture
def proxied(app, monkeypatch):
    """The portal behind one reverse proxy (``PROXY_FIX_HOPS=1``), which forwards what the client sent."""
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1))


def staff_on_forged_host(app, user):
    """A staff member whose every request names another host (as a misconfigured proxy would pass on)."""
    client = client_at(app, f"http://{EVIL}")
    log_in(client, user)
    assert client.get("/staff/").request.host == EVIL
    return client


def links_in(text: str) -> list[str]:
    return URL.findall(text)


def only_on_base(text: str) -> list[str]:
    links = links_in(text)
    assert links, "no link at all"
    assert all(link.startswith(BASE + "/") for link in links), links
    return links


def mail(session, kind: str) -> OutboxMessage:
    [message] = as_sent(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))
    return message


def assigning_officer(session):
    officer = factories.user(name="Korean desk", language="ko")
    officer.auto_assign, officer.languages, officer.capacity = True, "ko", 10
    session.commit()
    return officer


@pytest.mark.parametrize("header", ["Host", "X-Forwarded-Host"])
def test_an_inquiry_from_a_forged_host_gives_the_officer_a_link_to_the_portal(client, session, catalogue, base_url,
                                                                               proxied, header):
    assigning_officer(session)
    page = client.get("/ko/inquire", headers={header: EVIL})
    client.post("/ko/inquire", data={**hidden_fields(page.text), **inquiry()}, headers={header: EVIL})
    lead = session.scalars(select(Lead)).one()
    assigned = mail(session, "lead_assigned").body
    assert f"{BASE}/staff/leads/{lead.reference}" in only_on_base(assigned)
    assert EVIL not in assigned
    assert EVIL not in mail(session, "acknowledgement").body
    only_on_base(mail(session, "acknowledgement").body)


def test_a_manager_assigning_from_a_forged_host_sends_the_portals_link(app, session, base_url, manager):
    officer = factories.user(name="Japan desk")
    lead = factories.lead("Sakura Precision")
    session.commit()
    client = staff_on_forged_host(app, manager)
    client.post(f"/staff/leads/{lead.reference}/assign", data={"csrf_token": csrf_token(client), "owner": str(officer.id)})
    assert only_on_base(mail(session, "lead_assigned").body) == [f"{BASE}/staff/leads/{lead.reference}"]


def test_invitations_and_password_links_are_on_the_portal(app, admin, session, base_url):
    admin_client = staff_on_forged_host(app, admin)
    admin_client.post("/staff/users/new", data={
        "csrf_token": csrf_token(admin_client), "name": "Đỗ Minh Châu", "email": "chau@centre.example",
        "role": "officer", "language": "ko", "active": "y", "languages": ["ko"], "capacity": "30"})
    [invitation] = only_on_base(mail(session, "staff_invitation").body)
    assert invitation.startswith(f"{BASE}/staff/set-password/")
    colleague = factories.user(name="Võ Quốc Bảo")
    session.commit()
    admin_client.post(f"/staff/users/{colleague.id}/password-link", data={"csrf_token": csrf_token(admin_client)})
    [reset] = only_on_base(mail(session, "staff_password_reset").body)
    assert reset.startswith(f"{BASE}/staff/set-password/")


def test_sitemap_and_robots_ignore_the_requests_host(client, session, base_url):
    factories.project("chip-fab")
    session.commit()
    sitemap = client.get("/sitemap.xml", headers={"Host": EVIL}).text
    assert f"<loc>{BASE}/en/projects/chip-fab</loc>" in sitemap
    only_on_base(sitemap.replace("http://www.sitemaps.org/schemas/sitemap/0.9", "")
                 .replace("http://www.w3.org/1999/xhtml", ""))
    robots = client.get("/robots.txt", headers={"Host": EVIL}).text
    assert f"Sitemap: {BASE}/sitemap.xml" in robots and EVIL not in robots


def test_api_links_ignore_the_requests_host(client, session, base_url):
    factories.project("chip-fab", texts={"en": "Chip packaging plant"})
    factories.project("data-centre", texts={"en": "Data centre"})
    session.commit()
    body = client.get("/api/v1/projects?per_page=1", headers={"Host": EVIL}).get_json()
    assert body["items"][0]["url"].startswith(f"{BASE}/en/projects/")
    assert body["next"].startswith(f"{BASE}/api/v1/projects?") and "page=2" in body["next"]


def test_canonical_and_hreflang_links_ignore_the_requests_host(client, base_url):
    html = client.get("/ko/privacy", headers={"Host": EVIL}).text
    assert f'<link rel="canonical" href="{BASE}/ko/privacy">' in html
    assert f'hreflang="x-default" href="{BASE}/en/privacy"' in html
    assert EVIL not in html


def test_a_referrers_personal_link_is_on_the_portal(app, session, manager, base_url):
    factories.referrer("daejeon")
    session.commit()
    html = staff_on_forged_host(app, manager).get("/staff/referrers").text
    assert f"{BASE}/r/daejeon" in html and EVIL not in html


def test_a_base_url_with_a_path_keeps_it(app, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", "https://gov.example.vn/invest/")
    with app.app_context():
        assert external_url("public.home", lang="ja") == "https://gov.example.vn/invest/ja/"
        assert external_url("pipeline.lead", reference="IP-26-ABCDEF", _anchor="tasks") == \
            "https://gov.example.vn/invest/staff/leads/IP-26-ABCDEF#tasks"
