"""Where rendered pages are kept: Redis when configured (every web node shares one copy), else the
memory of each worker process.

Every store answers a lookup with the current *generation* and the entry, if any. A change to the
published content bumps the generation; an entry made under an older one is never served. The
generation lives where every worker of the installation sees it: in Redis, or in a file of the
instance folder (the workers of one machine, which is what an installation without Redis is).
"""
from __future__ import annotations

import os
import threading
import uuid
from collections import OrderedDict
from pathlib import Path

from portal.page_cache.entries import ENCODINGS, CachedPage


class FileGeneration:
    """The generation as a file replaced on every bump: a ``stat`` tells every worker whether it changed."""

    def __init__(self, path: Path):
        self.path = path

    def current(self) -> str:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:  # the first request, or the instance folder was emptied: a new one
            self.bump()
            stat = os.stat(self.path)
        return f"{stat.st_ino}-{stat.st_mtime_ns}"

    def bump(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}")
        temporary.write_text(uuid.uuid4().hex)  # a new file, so a new inode, even within one clock tick
        os.replace(temporary, self.path)


class MemoryStore:
    """Pages in this process's memory, the least recently used dropped beyond ``max_bytes``."""

    def __init__(self, generation: FileGeneration | RedisStore, max_bytes: int):
        self.generation = generation
        self.max_bytes = max_bytes
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def current_generation(self) -> str:
        return self.generation.current()

    def lookup(self, key: str, encoding: str) -> tuple[str, CachedPage | None]:
        generation = self.generation.current()
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
        return generation, page

    def save(self, key: str, page: CachedPage, ttl: int) -> None:
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._size -= old.size
            self._pages[key] = page
            self._size += page.size
            while self._size > self.max_bytes and self._pages:
                _, dropped = self._pages.popitem(last=False)
                self._size -= dropped.size

    def bump(self) -> None:
        self.generation.bump()
        self.forget()

    def forget(self) -> None:
        with self._lock:
            self._pages.clear()
            self._size = 0


class RedisStore:
    """Pages in Redis, one hash per URL: its metadata and each encoding of its body; each worker
    also keeps the pages it served in memory. A lookup asks Redis for the generation alone (one
    small GET) and fetches a page from Redis only when this worker has no copy of this generation."""

    def __init__(self, url: str, prefix: str, max_bytes: int):
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.prefix = prefix
        self.generation_key = f"{prefix}generation"
        self.local = MemoryStore(self, max_bytes)  # this store is the local copies' generation

    def current(self) -> str:
        generation = self.redis.get(self.generation_key)
        return generation.decode() if generation is not None else self._new_generation()

    current_generation = current

    def _new_generation(self) -> str:
        """Never set, or evicted: a new one, so nothing kept before counts again."""
        self.redis.set(self.generation_key, uuid.uuid4().hex, nx=True)
        return self.redis.get(self.generation_key).decode()

    def lookup(self, key: str, encoding: str) -> tuple[str, CachedPage | None]:
        generation, page = self.local.lookup(key, encoding)
        if page is not None and page.generation == generation and page.body_for(encoding):
            return generation, page
        meta, body = self.redis.hmget(self.prefix + key, "meta", encoding)
        if meta is None:
            return generation, None
        if body is None:  # kept uncompressed only (small, or an image)
            encoding, body = "identity", self.redis.hget(self.prefix + key, "identity")
            if body is None:
                return generation, None
        fetched = CachedPage.from_meta(meta, {encoding: body})
        if page is not None and page.generation == fetched.generation and page.etag == fetched.etag:
            fetched.bodies = {**page.bodies, **fetched.bodies}
        self.local.save(key, fetched, 0)
        return generation, fetched

    def save(self, key: str, page: CachedPage, ttl: int) -> None:
        fields = {"meta": page.meta()} | {name: body for name, body in page.bodies.items() if name in ENCODINGS}
        pipe = self.redis.pipeline(transaction=False)
        pipe.hset(self.prefix + key, mapping=fields)
        pipe.expire(self.prefix + key, ttl)
        pipe.execute()
        self.local.save(key, page, ttl)

    def bump(self) -> None:
        self.redis.set(self.generation_key, uuid.uuid4().hex)
        self.local.forget()
