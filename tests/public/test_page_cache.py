"""Public pages come from a cache, and every change that shows on them shows at once, in every
language, through every worker; forms, staff pages and errors never come from it."""
from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import time
import uuid
from datetime import date
from decimal import Decimal

import brotli
import pytest
import redis
from sqlalchemy import select, text, update

from benchmarks.serve import free_port
from portal.extensions import db
from portal.page_cache.invalidation import CONTENT_TABLES
from portal.page_cache.middleware import MARK
from portal.page_cache.stores import RedisStore
from portal.projects.models import IndustrialPark, InvestmentProject, MediaFile, SlugRedirect
from portal.public.models import KeyFigure
from tests import factories
from tests.conftest import make_app
from tests.staff import post

LANGS = ("vi", "en", "ko", "ja")


def _project_with_titles(session, slug="chip-fab", **fields):
    park = factories.park("vsip-3", texts={lang: f"VSIP III ({lang})" for lang in LANGS})
    item = factories.project(slug, texts={lang: f"Chip plant ({lang})" for lang in LANGS}, in_park=park, **fields)
    session.commit()
    return item


def test_a_public_page_is_rendered_once_then_served_compressed_with_a_validator(client, session, count_queries):
    _project_with_titles(session)
    first = client.get("/en/projects/chip-fab")
    assert first.headers["X-Cache"] == "MISS" and "Chip plant (en)" in first.text
    with count_queries() as counter:
        again = client.get("/en/projects/chip-fab", headers={"Accept-Encoding": "gzip"})
    assert counter.count == 0, "a cached page asks nothing of the database"
    assert again.headers["X-Cache"] == "HIT" and again.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(again.data).decode() == first.text
    assert again.headers["Cache-Control"] == "public, no-cache" and again.headers["Vary"] == "Accept-Encoding"
    squeezed = client.get("/en/projects/chip-fab", headers={"Accept-Encoding": "br;q=1, gzip;q=0.5"})
    assert squeezed.headers["Content-Encoding"] == "br" and brotli.decompress(squeezed.data).decode() == first.text
    assert len(squeezed.data) < len(first.data) / 2

    unchanged = client.get("/en/projects/chip-fab", headers={"If-None-Match": again.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.data == b"" and unchanged.headers["ETag"]
    since = client.get("/en/projects/chip-fab", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    assert client.head("/en/projects/chip-fab").data == b""


CHANGES = {
    "project text": lambda s: setattr(s.scalars(select(InvestmentProject)).one().texts["ko"], "title", "새 제목"),
    "park text": lambda s: setattr(s.scalars(select(IndustrialPark)).one().texts["ja"], "name", "新しい団地"),
    "withdrawal": lambda s: setattr(s.scalars(select(InvestmentProject)).one(), "published", False),
    "sector name": lambda s: setattr(s.scalars(select(InvestmentProject)).one().sector, "name_vi", "Bán dẫn mới"),
    "location name": lambda s: setattr(s.scalars(select(InvestmentProject)).one().location, "name_en", "New ward"),
    "key figure": lambda s: factories.key_figure("fdi_projects", 4321),
    "bulk statement": lambda s: s.execute(update(IndustrialPark).values(available_area_ha=Decimal("7.5"))),
    "photo": lambda s: s.add(MediaFile(project_id=s.scalars(select(InvestmentProject)).one().id, kind="photo",
                                       stored_name=uuid.uuid4().hex, content_type="image/png", size_bytes=10,
                                       original_name="plant.png")),
    "slug redirect": lambda s: s.add(SlugRedirect(kind="project", old_slug="old-chip-fab",
                                                  item_id=s.scalars(select(InvestmentProject)).one().id)),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_kind_of_change_shows_at_once_in_every_language(client, session, change):
    _project_with_titles(session)
    pages = [f"/{lang}/{path}" for lang in LANGS for path in ("", "projects/", "projects/chip-fab", "parks/vsip-3")]
    pages += ["/sitemap.xml", "/en/projects/old-chip-fab"]
    before = {page: client.get(page) for page in pages}
    assert all(client.get(page).headers.get("X-Cache", "HIT") == "HIT" for page in pages if before[page].status_code == 200)

    CHANGES[change](session)
    session.commit()

    for page in pages:
        after = client.get(page)
        assert after.headers.get("X-Cache") != "HIT", f"{page} still served from before the {change}"


def test_an_edit_by_staff_shows_at_once(client, admin_client, session):
    item = _project_with_titles(session, featured=True)
    assert "Chip plant (ja)" in client.get("/ja/").text
    withdrawn = post(admin_client, f"/staff/catalogue/projects/{item.id}/unpublish")
    assert withdrawn.status_code == 302
    assert client.get("/ja/projects/chip-fab").status_code == 404
    assert "Chip plant (ja)" not in client.get("/ja/").text


def test_forms_staff_pages_and_errors_never_come_from_the_cache(client, staff_client, session):
    item = _project_with_titles(session)
    for _ in range(2):
        form = client.get("/en/inquire")
        assert "X-Cache" not in form.headers and "no-cache" not in form.headers.get("Cache-Control", "")
        assert "X-Cache" not in client.get("/en/projects/no-such-project").headers
        preview = staff_client.get(f"/staff/catalogue/projects/{item.id}/preview?lang=ko")
        assert "X-Cache" not in preview.headers and preview.headers["Cache-Control"] == "no-store"


def test_a_cached_page_is_refused_to_a_host_the_portal_does_not_serve(app, session):
    _project_with_titles(session)
    strict = make_app(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path, TRUSTED_HOSTS=["localhost"])
    visitor = strict.test_client()
    assert visitor.get("/en/parks/vsip-3").status_code == 200
    assert visitor.get("/en/parks/vsip-3").headers["X-Cache"] == "HIT"
    assert visitor.get("/en/parks/vsip-3", headers={"Host": "evil.example"}).status_code == 400


def test_static_files_have_fingerprinted_urls_kept_for_a_year(client):
    home = client.get("/en/").text
    stylesheet = home[home.index("/static/css/portal.css?v="):].split('"')[0]
    fresh = client.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert fresh.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert fresh.headers["Content-Encoding"] == "gzip"
    assert client.get("/static/css/portal.css?v=stale").headers["Cache-Control"] == "public, max-age=3600"


def test_every_public_content_table_empties_the_cache():
    tables = {table.name for table in db.metadata.sorted_tables
              if table.name in {IndustrialPark.__tablename__, KeyFigure.__tablename__} or
              any(table.name == mapper.local_table.name for mapper in db.Model.registry.mappers
                  if mapper.class_.__module__ in ("portal.projects.models", "portal.public.models"))}
    tables.add("park_target_sectors")
    assert tables <= CONTENT_TABLES


def _second_worker(app, **settings):
    """Another process of the same installation: its own memory, the same database and settings."""
    return make_app(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path, **settings)


@pytest.fixture(params=["memory", "redis"])
def two_workers(request, app, session):
    if request.param == "memory":  # (not ``app``: its requests would share the test's session)
        yield _second_worker(app), _second_worker(app)
        return
    shared = {"PAGE_CACHE_REDIS_URL": "redis://127.0.0.1:6379/0", "PAGE_CACHE_PREFIX": f"test-{uuid.uuid4().hex}:"}
    first, second = _second_worker(app, **shared), _second_worker(app, **shared)
    yield first, second
    store = redis.Redis.from_url(shared["PAGE_CACHE_REDIS_URL"])
    for key in store.scan_iter(match=shared["PAGE_CACHE_PREFIX"] + "*"):
        store.delete(key)


def test_two_workers_agree_after_an_edit(two_workers):
    first, second = two_workers
    with first.app_context():
        factories.key_figure("fdi_projects", 1234, as_of=date(2025, 12, 31))
        db.session.commit()
    for worker in (first, second):
        assert "1,234" in worker.test_client().get("/en/").text
    assert second.test_client().get("/en/").headers["X-Cache"] == "HIT"

    with first.app_context():
        db.session.scalars(select(KeyFigure)).one().value = Decimal("5678")
        db.session.commit()
    for worker in (second, first):
        page = worker.test_client().get("/en/")
        assert "5,678" in page.text and "1,234" not in page.text


def test_pages_are_served_when_redis_is_down(app, session):
    _project_with_titles(session)
    offline = _second_worker(app, PAGE_CACHE_REDIS_URL="redis://127.0.0.1:1/0")
    page = offline.test_client().get("/en/projects/chip-fab")
    assert page.status_code == 200 and "Chip plant (en)" in page.text
    assert MARK not in page.headers


class PrivateRedis:
    """A Redis server of the test's own, which it may stop and start again on the same port and folder
    (the shared one serves everyone else's tests)."""

    def __init__(self, folder, *options):
        self.port, self.folder, self.process, self.options = free_port(), folder, None, options
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.client = redis.Redis.from_url(self.url)

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), *self.options], stdout=subprocess.DEVNULL)
        for _ in range(200):
            try:
                self.client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.client.connection_pool.disconnect()


@pytest.fixture
def private_redis(tmp_path, monkeypatch):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    monkeypatch.setattr(RedisStore, "RECHECK_SECONDS", 3600)  # what a test sees, the announcements did
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def _title(page) -> str:
    return re.search(r"<title>(.*?) · ", page.text).group(1)


def _retitle(worker, title):
    """An edit committed through ``worker`` (as a staff member's would be)."""
    with worker.app_context():
        db.session.scalars(select(InvestmentProject)).one().texts["en"].title = title
        db.session.commit()


def test_an_edit_through_another_worker_is_seen_at_the_next_request(app, session, private_redis):
    _project_with_titles(session)
    reader, editor = (_second_worker(app, PAGE_CACHE_REDIS_URL=private_redis.url) for _ in range(2))
    visitor = reader.test_client()
    visitor.get("/en/projects/chip-fab")
    assert visitor.get("/en/projects/chip-fab").headers["X-Cache"] == "HIT"
    for title in ("Wafer plant", "Foundry", "Test and assembly plant"):
        _retitle(editor, title)
        page = visitor.get("/en/projects/chip-fab")
        assert page.headers["X-Cache"] == "MISS" and _title(page) == title
        assert visitor.get("/en/projects/chip-fab").headers["X-Cache"] == "HIT"


def test_redis_down_then_back_serves_every_page_and_none_from_before_a_change(app, session, private_redis, caplog):
    _project_with_titles(session)
    reader, editor = (_second_worker(app, PAGE_CACHE_REDIS_URL=private_redis.url) for _ in range(2))
    visitor = reader.test_client()
    visitor.get("/en/projects/chip-fab")
    assert visitor.get("/en/projects/chip-fab").headers["X-Cache"] == "HIT"

    private_redis.stop()
    page = visitor.get("/en/projects/chip-fab")
    assert page.status_code == 200 and _title(page) == "Chip plant (en)" and "X-Cache" not in page.headers
    _retitle(editor, "Wafer plant")  # kept, though Redis cannot be told
    assert _title(visitor.get("/en/projects/chip-fab")) == "Wafer plant"
    assert "page cache" in caplog.text

    private_redis.start()  # empty: the generation is made anew
    for worker in (reader, editor, reader):
        for _ in range(2):
            page = worker.test_client().get("/en/projects/chip-fab")
            assert page.status_code == 200 and _title(page) == "Wafer plant"
    assert page.headers["X-Cache"] == "HIT", "kept again"


def test_announcements_missed_while_disconnected_are_made_up_for(app, session, private_redis):
    _project_with_titles(session)
    reader, editor = (_second_worker(app, PAGE_CACHE_REDIS_URL=private_redis.url) for _ in range(2))
    visitor = reader.test_client()
    visitor.get("/en/projects/chip-fab")
    assert visitor.get("/en/projects/chip-fab").headers["X-Cache"] == "HIT"
    editor.test_client().get("/en/")  # the editor listens too, and is cut off with the reader

    private_redis.client.client_kill_filter(_type="pubsub")  # a dropped connection: what was said is lost
    _retitle(editor, "Wafer plant")
    page = visitor.get("/en/projects/chip-fab")
    assert page.headers["X-Cache"] == "MISS" and _title(page) == "Wafer plant"


def test_redis_back_from_an_older_snapshot_serves_nothing_kept_before(app, session, private_redis):
    _project_with_titles(session)
    reader, editor = (_second_worker(app, PAGE_CACHE_REDIS_URL=private_redis.url) for _ in range(2))
    visitor = reader.test_client()
    visitor.get("/en/projects/chip-fab")
    key = reader.config["PAGE_CACHE_PREFIX"] + "generation"
    old_generation = private_redis.client.get(key)
    private_redis.client.save()  # the old page and its generation on disk
    _retitle(editor, "Wafer plant")
    assert _title(visitor.get("/en/projects/chip-fab")) == "Wafer plant"

    private_redis.stop()
    private_redis.start()  # from the snapshot: the generation and the page from before the edit
    assert private_redis.client.get(key) == old_generation
    for worker in (reader, editor):
        page = worker.test_client().get("/en/projects/chip-fab")
        assert _title(page) == "Wafer plant"


def _retitle_in_sql(app, title):
    """An edit the portal does not see (SQL typed by hand): only emptying the cache shows it."""
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("UPDATE project_texts SET title = :title WHERE lang = 'en'"), {"title": title})


def test_a_deleted_generation_is_made_anew_and_every_worker_follows(app, session, private_redis):
    _project_with_titles(session)
    first, second = (_second_worker(app, PAGE_CACHE_REDIS_URL=private_redis.url) for _ in range(2))
    for worker in (first, second):
        worker.test_client().get("/en/projects/chip-fab")
    assert second.test_client().get("/en/projects/chip-fab").headers["X-Cache"] == "HIT"
    key = first.config["PAGE_CACHE_PREFIX"] + "generation"
    before = private_redis.client.get(key)

    _retitle_in_sql(app, "Wafer plant")
    private_redis.client.flushdb()  # emptied (or evicted): nobody announced anything
    newcomer = _second_worker(app, PAGE_CACHE_REDIS_URL=private_redis.url)  # a worker started since
    assert _title(newcomer.test_client().get("/en/projects/chip-fab")) == "Wafer plant"
    assert private_redis.client.get(key) not in (None, before)
    for worker in (first, second):  # told by the newcomer, which made the generation
        assert _title(worker.test_client().get("/en/projects/chip-fab")) == "Wafer plant"


def test_a_generation_deleted_by_hand_is_noticed_without_an_announcement(app, session, private_redis, monkeypatch):
    _project_with_titles(session)
    worker = _second_worker(app, PAGE_CACHE_REDIS_URL=private_redis.url)
    visitor = worker.test_client()
    visitor.get("/en/projects/chip-fab")
    monkeypatch.setattr(RedisStore, "RECHECK_SECONDS", -1)  # the recheck's time has come, at every request
    assert visitor.get("/en/projects/chip-fab").headers["X-Cache"] == "HIT", "the generation is read again, unchanged"

    _retitle_in_sql(app, "Wafer plant")
    private_redis.client.delete(worker.config["PAGE_CACHE_PREFIX"] + "generation")
    page = visitor.get("/en/projects/chip-fab")
    assert page.headers["X-Cache"] == "MISS" and _title(page) == "Wafer plant"


def test_a_redis_without_info_still_keeps_pages(app, session, tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    hosted = PrivateRedis(tmp_path, "--rename-command", "INFO", "")  # as some hosted Redis offer it
    hosted.start()
    try:
        _project_with_titles(session)
        reader, editor = (_second_worker(app, PAGE_CACHE_REDIS_URL=hosted.url) for _ in range(2))
        visitor = reader.test_client()
        visitor.get("/en/projects/chip-fab")
        assert visitor.get("/en/projects/chip-fab").headers["X-Cache"] == "HIT"
        _retitle(editor, "Wafer plant")
        assert _title(visitor.get("/en/projects/chip-fab")) == "Wafer plant"
    finally:
        hosted.stop()


def test_the_api_limit_counts_what_reaches_the_database_not_answers_from_the_cache(app, session, monkeypatch):
    _project_with_titles(session)
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    partner = app.test_client()
    first = partner.get("/api/v1/projects?lang=ja")
    assert first.headers["X-Cache"] == "MISS" and first.headers["X-RateLimit-Remaining"] == "2"
    for _ in range(5):
        again = partner.get("/api/v1/projects?lang=ja")
        assert again.status_code == 200 and again.headers["X-Cache"] == "HIT" and again.json == first.json
    scraping = [partner.get(f"/api/v1/projects?lang=ja&page={page}").status_code for page in range(1, 5)]
    assert scraping == [200, 200, 429, 429], "every distinct query renders, and counts"


def test_the_api_shows_an_edit_at_once(client, session):
    _project_with_titles(session)
    assert client.get("/api/v1/projects/chip-fab?lang=ko").json["title"] == "Chip plant (ko)"
    session.scalars(select(InvestmentProject)).one().texts["ko"].title = "반도체 공장"
    session.commit()
    assert client.get("/api/v1/projects/chip-fab?lang=ko").json["title"] == "반도체 공장"


def test_with_redis_each_worker_keeps_copies_and_serves_every_encoding_right(two_workers):
    first, second = two_workers
    with first.app_context():
        factories.project("chip-fab", texts={"en": "Chip packaging plant"})
        db.session.commit()
    rendered = first.test_client().get("/en/projects/chip-fab")
    visitor = second.test_client()
    as_br = visitor.get("/en/projects/chip-fab", headers={"Accept-Encoding": "br"})
    as_gzip = visitor.get("/en/projects/chip-fab", headers={"Accept-Encoding": "gzip"})
    plain = visitor.get("/en/projects/chip-fab")
    assert as_gzip.headers["X-Cache"] == plain.headers["X-Cache"] == "HIT"  # with Redis, as_br too
    assert brotli.decompress(as_br.data) == gzip.decompress(as_gzip.data) == plain.data == rendered.data
    icon = visitor.get("/static/img/favicon.svg", headers={"Accept-Encoding": "br"})
    assert icon.status_code == 200 and visitor.get("/static/img/favicon.svg").data.startswith(b"<svg")
