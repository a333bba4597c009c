"""Where rendered pages are kept: Redis when configured (every web node shares one copy), else the
memory of each worker process.

Every store answers a lookup with the current *generation* and the entry, if any. A change to the
published content bumps the generation; an entry made under an older one is never served. The
generation lives where every worker of the installation sees it: in Redis, or in a file of the
instance folder (the workers of one machine, which is what an installation without Redis is).
"""
from __future__ import annotations

import os
import select
import threading
import time
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
    also keeps the pages it served in memory, and fetches one from Redis only when it has no copy
    of the current generation.

    Knowing the generation costs no round trip: each worker process subscribes to a channel on
    which every change is announced (``bump``), and before each lookup reads what arrived on that
    connection without waiting (a ``poll`` of its socket). After an announcement, on (re)connecting,
    and at most ``RECHECK_SECONDS`` after the last read, it reads the generation again (one ``GET``).
    The generation includes the Redis server's run id, so after a restart that brought back an older
    snapshot nothing kept before counts again."""

    #: Catches what no announcement tells: the generation key deleted, evicted or flushed by hand.
    RECHECK_SECONDS = 1.0

    def __init__(self, url: str, prefix: str, max_bytes: int):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # No silent retries: a lost connection may have lost announcements, and the caller must
        # know (it renders the page; the next lookup subscribes again and reads the generation).
        self.redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1, socket_keepalive=True,
                                          retry=Retry(NoBackoff(), 0))
        self._refused = redis.ResponseError
        self.prefix = prefix
        self.generation_key = f"{prefix}generation"
        self.channel = f"{prefix}changes"
        self.local = MemoryStore(self, max_bytes)  # this store is the local copies' generation
        self._lock = threading.RLock()  # one subscription per process, shared by its threads
        self._changes = None  # this process's subscription to the channel
        self._poller = None
        self._pid = None
        self._server = ""  # the Redis server's run id, read on subscribing
        self._known: str | None = None  # the generation as last read; None: read it before using it
        self._read_at = 0.0
        self._unannounced = False  # a change committed while Redis could not be told

    def current(self) -> str:
        with self._lock:
            if self._changes is not None and self._pid == os.getpid():
                try:
                    return self._receive()
                except Exception:  # dropped (Redis restarted?): announcements may be lost, start again
                    self._stop_listening()
            try:
                self._listen()
                return self._receive()
            except Exception:
                self._stop_listening()
                raise

    current_generation = current

    def _receive(self) -> str:
        if self._unannounced:
            self._announce()
        if self._drain() or self._known is None or time.monotonic() - self._read_at > self.RECHECK_SECONDS:
            self._known = self._read()
        return self._known

    def _listen(self) -> None:
        """Subscribe first, then read: a change announced in between is read, or received."""
        self._changes, self._pid, self._known = self.redis.pubsub(), os.getpid(), None
        self._changes.subscribe(self.channel)
        confirmed = self._changes.get_message(timeout=1)
        if not confirmed or confirmed["type"] != "subscribe":
            raise ConnectionError("page cache: the subscription was not confirmed")
        try:
            self._server = self.redis.info("server").get("run_id", "")[:12]
        except self._refused:  # INFO turned off (some hosted Redis): no telling restarts apart
            self._server = ""
        sock = getattr(self._changes.connection, "_sock", None)  # redis-py's own; without it, can_read
        self._poller = select.poll() if sock is not None and hasattr(select, "poll") else None
        if self._poller is not None:
            self._poller.register(sock, select.POLLIN)

    def _drain(self) -> bool:
        """Whether a change was announced since the last lookup, without waiting for one."""
        if not self._waiting():
            return False
        announced = False
        while (message := self._changes.get_message(timeout=0)) is not None:
            announced = announced or message["type"] == "message"
        return announced

    def _waiting(self) -> bool:
        """Whether anything arrived on the subscription: a ``poll`` of its socket, an eighth of what
        redis-py's ``can_read`` costs (this runs on every request). What redis-py already read from
        the socket was parsed by the last drain, which reads until no whole message is left."""
        if self._poller is None:
            return self._changes.connection.can_read(timeout=0)
        return bool(self._poller.poll(0))

    def _read(self) -> str:
        """Never set, deleted or evicted: a new one, announced, so nothing kept before counts again."""
        generation = self.redis.get(self.generation_key)
        if generation is None:
            fresh = uuid.uuid4().hex
            generation = self.redis.set(self.generation_key, fresh, nx=True, get=True)
            if generation is None:  # this worker made it
                generation = fresh.encode()
                self.redis.publish(self.channel, fresh)
        self._read_at = time.monotonic()
        return f"{self._server}-{generation.decode()}"

    def _stop_listening(self) -> None:
        changes, self._changes, self._poller, self._known = self._changes, None, None, None
        if changes is not None and self._pid == os.getpid():
            try:
                changes.close()
            except Exception:  # already broken
                pass

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
        """A new generation, announced to every worker before the committing request answers. If
        Redis cannot be told, this worker tells it before it serves another page from the cache."""
        self.local.forget()
        with self._lock:
            self._known, self._unannounced = None, True
            self._announce()

    def _announce(self) -> None:
        generation = uuid.uuid4().hex
        pipe = self.redis.pipeline(transaction=True)  # in this order, whoever else announces at once
        pipe.set(self.generation_key, generation)
        pipe.publish(self.channel, generation)
        pipe.execute()
        self._unannounced = False
        # Redis writes a reply and the messages the command published in the same pass of its event
        # loop, in no set order; a second round trip returns after that pass, so every subscriber's
        # socket now holds the announcement (on this machine; across a network, it is on its way).
        self.redis.ping()
