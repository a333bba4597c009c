"""Public pages from a cache: rendered once per language, URL and query, then served without a
database query until the published content changes.

- ``mark_cacheable`` (Flask) names what may be kept: public pages that are the same for every
  visitor. Forms (their CSRF token), staff pages, previews and errors never are.
- ``PageCacheMiddleware`` (WSGI) keeps and serves them, compressed, with ``ETag`` and 304s.
- ``invalidation`` starts a new generation when a change to the catalogue, the parks, their
  texts, media, key figures, sectors, locations or slug redirects commits.
- Static files get fingerprinted URLs (``?v=``) and a year's ``max-age``.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, current_app, request

from portal.page_cache import invalidation
from portal.page_cache.middleware import MARK, PageCacheMiddleware
from portal.page_cache.stores import FileGeneration, MemoryStore, RedisStore

#: The same for every visitor: no form, no session state, no staff view.
CACHEABLE_ENDPOINTS = frozenset({
    "public.home", "public.why_invest", "public.privacy", "public.sitemap", "public.robots",
    "projects.index", "projects.detail", "parks.index", "parks.detail", "parks.compare",
    "site_finder.find",  # depends only on its query string and the catalogue
    "map.index",
    "shortlist.page",
    "static",
    "api.projects", "api.project", "api.parks", "api.park", "api.sectors", "api.locations", "api.openapi",
})
PUBLIC_PAGE_CACHE_CONTROL = "public, no-cache"  # keep, but ask every time: an edit shows at once
FINGERPRINTED_CACHE_CONTROL = "public, max-age=31536000, immutable"
STATIC_CACHE_CONTROL = "public, max-age=3600"
ROOT = Path(__file__).resolve().parent.parent.parent


def init_app(app: Flask, on_hit=None) -> None:
    """``on_hit(status)`` is told of every answer given from the cache (the metrics count them)."""
    app.after_request(mark_cacheable)
    app.url_defaults(fingerprint_static_urls)
    invalidation.listen_to_commits()
    store = make_store(app)
    app.extensions["page_cache"] = store
    if store is not None:
        app.wsgi_app = PageCacheMiddleware(app.wsgi_app, store, app.config["PAGE_CACHE_SECONDS"],
                                           release_fingerprint(app), app.config.get("TRUSTED_HOSTS"), on_hit)


def make_store(app: Flask):
    if not app.config["PAGE_CACHE"]:
        return None
    if app.config["PAGE_CACHE_REDIS_URL"]:
        return RedisStore(app.config["PAGE_CACHE_REDIS_URL"], app.config["PAGE_CACHE_PREFIX"],
                          app.config["PAGE_CACHE_MAX_MB"] * 1024 * 1024)
    generation = FileGeneration(Path(app.instance_path) / "page-cache-generation")
    return MemoryStore(generation, app.config["PAGE_CACHE_MAX_MB"] * 1024 * 1024)


def release_fingerprint(app: Flask) -> str:
    """What the code, migrations, templates, translations and region profile say: a deploy that
    changes any of them starts with fresh pages and report figures, even when Redis kept the old ones
    (a migration may change data). By content, not file times, so every web node of one release
    shares the same entries. Read once per application."""
    if "release_fingerprint" not in app.extensions:
        app.extensions["release_fingerprint"] = _fingerprint(app)
    return app.extensions["release_fingerprint"]


def _fingerprint(app: Flask) -> str:
    digest = hashlib.blake2b(digest_size=6)
    watched = [ROOT / "portal", ROOT / "migrations", ROOT / "translations"]
    for folder in watched:
        for path in sorted(folder.rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".xml", ".mo", ".toml", ".css", ".js", ".svg", ".json",
                               ".geojson"}:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    for setting in ("PORTAL_REGION_FILE", "PORTAL_MAP_BASE_FILE"):
        chosen = app.config.get(setting)
        if chosen and Path(chosen).is_file():
            digest.update(Path(chosen).read_bytes())
    digest.update(str(app.config.get("PORTAL_BASE_URL", "")).encode())
    return digest.hexdigest()


def bump() -> None:
    """Drop every cached page: the next visitor of each gets it rendered anew."""
    store = current_app.extensions.get("page_cache")
    if store is not None:
        store.bump()


def content_generation() -> str | None:
    """What the published content's generation is now, for a cache of page parts built from it
    (the blank forms); ``None`` when the page cache is off, and nothing should be kept."""
    store = current_app.extensions.get("page_cache")
    return None if store is None else store.current_generation()


def mark_cacheable(response):
    """Tell the cache it may keep this answer, and browsers how long theirs stays good."""
    if request.endpoint not in CACHEABLE_ENDPOINTS or response.status_code != 200 or "X-Cache" in response.headers:
        return response
    if request.endpoint == "static":
        fresh = request.args.get("v") == static_fingerprint(request.view_args["filename"])
        response.headers["Cache-Control"] = FINGERPRINTED_CACHE_CONTROL if fresh else STATIC_CACHE_CONTROL
    elif not request.endpoint.startswith("api."):  # the API says how long partners may keep its answers
        response.headers["Cache-Control"] = PUBLIC_PAGE_CACHE_CONTROL
        response.vary.discard("Cookie")  # the page is the same whatever the visitor's cookies
    if request.method == "GET" and "Content-Encoding" not in response.headers:
        response.headers[MARK] = "1"
    return response


def static_fingerprint(filename: str) -> str | None:
    """A short hash of a static file's content, remembered until the file changes."""
    path = Path(current_app.static_folder) / filename
    try:
        stamp = path.stat().st_mtime_ns
    except (OSError, ValueError):
        return None
    known = current_app.extensions.setdefault("static_fingerprints", {})
    cached = known.get(filename)
    if cached is None or cached[0] != stamp:
        cached = (stamp, hashlib.blake2b(path.read_bytes(), digest_size=5).hexdigest())
        known[filename] = cached
    return cached[1]


def fingerprint_static_urls(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "v" not in values and "filename" in values:
        fingerprint = static_fingerprint(values["filename"])
        if fingerprint:
            values["v"] = fingerprint
