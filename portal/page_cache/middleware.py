"""Serving cached pages before Flask runs: a hit costs a dictionary or Redis lookup, not a
database query and a template.

Flask decides what may be kept (``portal.page_cache.mark_cacheable``): the response carries the
``MARK`` header, which never leaves the portal. This layer keeps such responses, compressed once,
and answers the same URL from them until the content changes (a new generation) or ``ttl`` passes.
"""
from __future__ import annotations

import functools
import logging
import time

from werkzeug.exceptions import SecurityError
from werkzeug.http import parse_accept_header, parse_date
from werkzeug.wsgi import get_host

from portal.page_cache.entries import ENCODINGS, CachedPage

MARK = "X-Portal-Cacheable"
#: Headers the cache sets itself for each answer, or that belong to one visitor only.
_DROPPED = {"content-length", "content-encoding", "etag", "last-modified", "vary", "set-cookie", MARK.lower(),
            "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after"}
#: Dropped from the kept copy, but this visitor's own answer keeps them.
_PER_VISITOR = {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after"}
_NOT_MODIFIED_HEADERS = {"cache-control", "content-location", "date", "etag", "expires", "vary", "last-modified"}

log = logging.getLogger("portal.page_cache")


@functools.lru_cache(maxsize=256)  # browsers send a handful of values; parsing one costs a hit's share
def choose_encoding(accept_encoding: str) -> str:
    if not accept_encoding:
        return "identity"
    return parse_accept_header(accept_encoding).best_match(ENCODINGS, default="identity")


class PageCacheMiddleware:
    def __init__(self, app, store, ttl: int, release: str, trusted_hosts: list[str] | None, on_hit=None):
        self.app, self.store, self.ttl = app, store, ttl
        self.release, self.trusted_hosts = release, trusted_hosts
        self.on_hit = on_hit or (lambda status: None)

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        key = f"{self.release}:{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"
        encoding = choose_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""))
        try:
            generation, page = self.store.lookup(key, encoding)
        except Exception:  # a cache that is down slows the portal; it must not stop it
            log.exception("page cache: lookup failed")
            return self.app(environ, self._unmarked(start_response))
        if page is not None and page.generation == generation and time.time() - page.created < self.ttl \
                and self._host_allowed(environ):
            return self._serve(page, environ, start_response, encoding, hit=True)
        return self._render(key, generation, environ, start_response, encoding)

    @staticmethod
    def _unmarked(start_response):
        """Rendered without the cache: the mark meant for it goes no further."""
        def respond(status, headers, exc_info=None):
            return start_response(status, [(name, value) for name, value in headers if name != MARK], exc_info)
        return respond

    def _host_allowed(self, environ) -> bool:
        """Flask refuses a request for a host it does not serve; an answer from the cache must too."""
        if not self.trusted_hosts:
            return True
        try:
            get_host(environ, self.trusted_hosts)
        except SecurityError:
            return False
        return True

    def _render(self, key, generation, environ, start_response, encoding):
        captured = {}

        def capture(status, headers, exc_info=None):
            if any(name == MARK for name, _ in headers):
                captured.update(status=status, headers=headers)
                return lambda data: None  # Flask never writes; its body comes back as the iterable
            return start_response(status, headers, exc_info)

        body_parts = self.app(environ, capture)
        if not captured:
            return body_parts
        try:
            body = b"".join(body_parts)
        finally:
            if hasattr(body_parts, "close"):
                body_parts.close()
        headers = [(name, value) for name, value in captured["headers"] if name.lower() not in _DROPPED]
        page = CachedPage.build(generation, captured["status"], headers, body)
        try:
            self.store.save(key, page, self.ttl)
        except Exception:
            log.exception("page cache: saving failed")
        own = [(name, value) for name, value in captured["headers"] if name.lower() in _PER_VISITOR]
        return self._serve(page, environ, start_response, encoding, hit=False, extra=own)

    def _serve(self, page: CachedPage, environ, start_response, encoding: str, hit: bool, extra=()):
        encoding = page.body_for(encoding) or "identity"
        headers = [*page.headers, *extra,
                   ("ETag", page.etag_for(encoding)),
                   ("Last-Modified", page.last_modified),
                   ("Vary", "Accept-Encoding"),
                   ("X-Cache", "HIT" if hit else "MISS")]
        if self._not_modified(page, environ):
            if hit:
                self.on_hit("304 Not Modified")
            start_response("304 Not Modified", [(n, v) for n, v in headers if n.lower() in _NOT_MODIFIED_HEADERS])
            return []
        body = page.bodies[encoding]
        if encoding != "identity":
            headers.append(("Content-Encoding", encoding))
        headers.append(("Content-Length", str(len(body))))
        if hit:
            self.on_hit(page.status)
        start_response(page.status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    @staticmethod
    def _not_modified(page: CachedPage, environ) -> bool:
        """``If-None-Match`` naming any representation of this page (RFC 9110: weak comparison),
        else ``If-Modified-Since`` no older than the page."""
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or bool(tags & {page.etag_for(encoding) for encoding in ENCODINGS})
        since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
        return since is not None and since.timestamp() >= int(page.created)
