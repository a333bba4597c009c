"""The reports' costly figures (the passes over the leads, the response times, the follow-ups, the
registered capital and jobs split, the time in each stage and the answers to replies), kept per set
of filters under the data tokens of their family (``portal.leads.models.report_version``), which
change in the same transaction as any change that can move one of them: a kept figure is never
stale, and the first view after a change computes again what it moved. Most figures are also kept
in month pieces (``queries.Report``), each under its month's token: the first view after a change
to a lead received in one month computes that month again and adds up the others' pieces. The filters are
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
#: How many sets of figures (a section's, or one month's piece of it) a worker keeps without
#: Redis, and how many characters of them at most.
MEMORY_ENTRIES = 2048
MEMORY_CHARACTERS = 64 * 1024 * 1024


class MemoryStore:
    def __init__(self, size: int = MEMORY_ENTRIES, characters: int = MEMORY_CHARACTERS):
        self.size, self.characters, self.entries, self.lock = size, characters, OrderedDict(), threading.Lock()
        self.held = 0

    def get(self, key: str) -> str | None:
        with self.lock:
            text = self.entries.get(key)
            if text is not None:
                self.entries.move_to_end(key)
            return text

    def set(self, key: str, text: str) -> None:
        with self.lock:
            self.held += len(text) - len(self.entries.get(key, ""))
            self.entries[key] = text
            self.entries.move_to_end(key)
            while len(self.entries) > self.size or (self.held > self.characters and len(self.entries) > 1):
                self.held -= len(self.entries.popitem(last=False)[1])

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.held = 0


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


def _key(token: str, name: str, filters) -> str:
    return f"{token}:{name}:{json.dumps(asdict(filters), default=_plain, sort_keys=True)}"


def _store():
    return current_app.extensions.get("report_cache")


def kept(token: str | None, name: str, filters):
    """What ``keep`` kept under ``token`` for these filters, or None (nothing kept, no token, or the store failed)."""
    store = _store()
    if token is None or store is None:
        return None
    try:
        text = store.get(_key(token, name, filters))
    except Exception:  # Redis away: the figures are computed, as without a cache
        log.exception("reports cache: could not read")
        return None
    return json.loads(text) if text is not None else None


def keep(token: str | None, name: str, filters, value):
    """``value`` (lists, tuples, numbers, text, dates) kept under ``token`` for these filters
    (not without a token), and returned as JSON gives it back (tuples as lists, dates as ISO text)."""
    text = json.dumps(value, default=_plain)
    store = _store()
    if token is not None and store is not None:
        try:
            store.set(_key(token, name, filters), text)
        except Exception:
            log.exception("reports cache: could not keep figures")
    return json.loads(text)


def remembered(token: str | None, name: str, filters, compute: Callable[[], object]):
    """``compute()`` for these filters as ``keep`` gives it back: kept under ``token``, computed
    only when missing. Without a token, or when the store fails, it is computed every time."""
    found = kept(token, name, filters)
    return found if found is not None else keep(token, name, filters, compute())
