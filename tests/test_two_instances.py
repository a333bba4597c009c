"""Several web nodes behind a balancer: two gunicorn instances on two ports, each with its own
instance folder, against one database and one Redis. What one node does, the other knows at once:
the edits (the page cache), the rate limits, the mail (each message sent once)."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import func, select

from benchmarks.serve import serve
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.forms import hidden_fields, inquiry
from tests.staff import PASSWORD, totp_code

REDIS = "redis://127.0.0.1:6379/0"
ROOT = Path(__file__).resolve().parent.parent


def _redis_answers() -> bool:
    try:
        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="Redis is not running on 127.0.0.1:6379")


@pytest.fixture
def settings(app, tmp_path):
    prefix = f"test-{uuid.uuid4().hex[:10]}:"
    shared = {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "PORTAL_BASE_URL": "http://localhost",
        "PAGE_CACHE_REDIS_URL": REDIS, "PAGE_CACHE_PREFIX": prefix + "pages:",
        "RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_KEY_PREFIX": prefix + "limits",
        "API_RATE_LIMIT": "4 per minute", "PORTAL_FORM_RATE_LIMIT": "1000 per minute", "FORM_MIN_FILL_SECONDS": "0",
        "MAIL_SERVER": "", "PORTAL_LEADS_EMAIL": "leads@centre.example", "UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    yield shared
    store = redis.Redis.from_url(REDIS)
    for key in store.scan_iter(match=prefix + "*"):
        store.delete(key)


@pytest.fixture
def two_nodes(settings, tmp_path):
    with serve("app:app", {**settings, "PORTAL_INSTANCE_PATH": str(tmp_path / "a")}) as first, \
            serve("app:app", {**settings, "PORTAL_INSTANCE_PATH": str(tmp_path / "b")}) as second:
        yield first, second


def _sign_in(node: str, user) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{node}/staff/login")
    browser.post(f"{node}/staff/login", data={**hidden_fields(page.text), "email": user.email, "password": PASSWORD})
    page = browser.get(f"{node}/staff/login/code")
    signed_in = browser.post(f"{node}/staff/login/code", data={**hidden_fields(page.text), "code": totp_code(user)})
    assert signed_in.url.endswith("/staff/"), signed_in.url
    return browser


def test_an_edit_through_one_node_is_seen_through_the_other_at_once(two_nodes, session):
    first, second = two_nodes
    project = factories.project("chip-fab", texts={"en": "Chip packaging plant", "ko": "반도체 패키징 공장"})
    manager = factories.user(role="manager")
    session.commit()
    for lang in ("en", "ko"):
        assert requests.get(f"{second}/{lang}/projects/chip-fab").status_code == 200
        for _ in range(4):  # whichever worker of the second node answers
            assert requests.get(f"{second}/{lang}/projects/chip-fab").headers["X-Cache"] == "HIT"

    staff = _sign_in(first, manager)
    form = staff.get(f"{first}/staff/catalogue/projects/{project.id}")
    withdrawn = staff.post(f"{first}/staff/catalogue/projects/{project.id}/unpublish",
                           data={"csrf_token": hidden_fields(form.text)["csrf_token"]})
    assert withdrawn.status_code == 200

    # The change was announced before the unpublishing request answered; each worker of either node
    # reads what was announced at its next request, without waiting: no request after this one
    # may be served the page from before, whichever worker takes it.
    for _ in range(4):
        for node in (second, first):
            for lang in ("en", "ko"):
                assert requests.get(f"{node}/{lang}/projects/chip-fab").status_code == 404


def test_a_rate_limit_counts_across_both_nodes(two_nodes):
    first, second = two_nodes
    answers = [requests.get(f"{node}/api/v1/projects?page={page}").status_code  # none from the page cache
               for page, node in enumerate((first, second, first, second, first), start=1)]
    assert answers == [200, 200, 200, 200, 429]


def test_mail_queued_through_either_node_is_sent_once(two_nodes, settings, tmp_path, session):
    factories.sector("semiconductors")
    session.commit()
    for number, node in enumerate(two_nodes * 3):
        browser = requests.Session()
        page = browser.get(f"{node}/en/inquire")
        sent = browser.post(f"{node}/en/inquire", data={**hidden_fields(page.text),
                                                          **inquiry(email=f"investor{number}@example.com")})
        assert sent.status_code == 200 and "IP-" in sent.text
    senders = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "outbox", "send"], cwd=ROOT,
                                env={**os.environ, **settings, "PORTAL_INSTANCE_PATH": str(tmp_path / node)})
               for node in ("a", "b")]
    assert [sender.wait(timeout=60) for sender in senders] == [0, 0]

    session.expire_all()
    messages = session.scalar(select(func.count()).select_from(OutboxMessage))
    assert messages == 12 and session.scalar(select(func.count()).where(OutboxMessage.status == "sent")) == 12
    files = [path for node in ("a", "b") for path in (tmp_path / node / "mail").glob("*.eml")]
    assert len(files) == 12, "each message once, whichever node queued it and whichever sent it"
