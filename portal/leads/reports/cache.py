"""The reports' costly figures (the passes over the leads, the response times, the follow-ups, the
registered capital and jobs split, the time in each stage and the answers to replies), kept per set
of filters under the data token of their family (``portal.leads.models.report_version``), which
changes in the same transaction as any change that can move one of them: a kept figure is never
stale, and the first view after a change computes again the families it moved. The filters are
part of the key, so an officer (whose owner filter is forced) only ever gets the figures of their
own leads.

Kept as JSON text: in Redis when ``PAGE_CACHE_REDIS_URL`` is set (shared by every worker and web
node, under ``<PAGE_CACHE_PREFIX>reports:<release>:``), else in each worker's memory, the least recently
used dropped first. Dates come back as ISO text; the callers read them back. The stays are kept
with the moment they were read (``queries.kept_time_in_stages`` brings them to the clock's);
today's aftercare figures (companies on their rhythm, issues) are never kept."""
from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Callable

from flask import Flask, current_app

from portal.page_cache import release_fingerprint

log = logging.getLogger("portal.reports")
#: How long Redis keeps a set of figures nobody asked for again (a new token makes new keys anyway).
REDIS_SECONDS = 24 * 3600
#: How many sets of figures a worker keeps without Redis.
MEMORY_ENTRIES = 64


class MemoryStore:
    def __init__(self, size: int = MEMORY_ENTRIES):
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: str) -> str | None:
        with self.lock:
            text = self.entries.get(key)
            if text is not None:
                self.entries.move_to_end(key)
            return text

    def set(self, key: str, text: str) -> None:
        with self.lock:
            self.entries[key] = text
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


class RedisStore:
    def __init__(self, url: str, prefix: str):
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.prefix = prefix

    def get(self, key: str) -> str | None:
        text = self.redis.get(self.prefix + key)
        return text.decode() if text is not None else None

    def set(self, key: str, text: str) -> None:
        self.redis.set(self.prefix + key, text, ex=REDIS_SECONDS)

    def clear(self) -> None:
        """Nothing to do: keys carry the token, and a new token makes new keys."""


def init_app(app: Flask) -> None:
    """In Redis the keys also carry the release: a deploy (new code or a migration that changed data
    without a new token) starts with fresh figures, as the page cache does."""
    url = app.config.get("PAGE_CACHE_REDIS_URL")
    app.extensions["report_cache"] = (
        RedisStore(url, f"{app.config['PAGE_CACHE_PREFIX']}reports:{release_fingerprint(app)}:") if url
        else MemoryStore())


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal) and value == value.to_integral_value():  # PostgreSQL's sum of integers
        return int(value)
    raise TypeError(f"not kept in the reports' cache: {type(value).__name__}")


def remembered(token: str | None, name: str, filters, compute: Callable[[], object]):
    """``compute()`` (lists, tuples, numbers, text, dates) for these filters as JSON would give it
    back (tuples as lists, dates as ISO text): kept under ``token``, computed only when missing.
    Without a token, or when the store fails, it is computed every time."""
    store = current_app.extensions.get("report_cache")
    key = f"{token}:{name}:{json.dumps(asdict(filters), default=_plain, sort_keys=True)}"
    if token is not None and store is not None:
        try:
            text = store.get(key)
        except Exception:  # Redis away: the figures are computed, as without a cache
            log.exception("reports cache: could not read")
            text, store = None, None
        if text is not None:
            return json.loads(text)
    text = json.dumps(compute(), default=_plain)
    if token is not None and store is not None:
        try:
            store.set(key, text)
        except Exception:
            log.exception("reports cache: could not keep figures")
    return json.loads(text)
