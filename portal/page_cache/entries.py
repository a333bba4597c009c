"""A rendered page as the cache keeps it: the response's headers and its body in each encoding,
compressed once when stored rather than on every request."""
from __future__ import annotations

import gzip
import hashlib
import json
import time
from dataclasses import dataclass, field
from functools import cached_property

from werkzeug.http import http_date

try:  # brotli is pinned in requirements.txt; without it, gzip alone
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

#: Best first: what the cache offers a browser that accepts several.
ENCODINGS: tuple[str, ...] = ("br", "gzip", "identity") if brotli else ("gzip", "identity")
#: Text worth compressing; images and PDFs are compressed already.
COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/javascript", "image/svg+xml")
#: Below this many bytes a compressed body saves less than its headers cost.
MIN_COMPRESS_BYTES = 512


def compress(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=9)
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=6, mtime=0)
    return body


@dataclass
class CachedPage:
    generation: str
    status: str
    headers: list[tuple[str, str]]
    etag: str
    created: float
    bodies: dict[str, bytes] = field(default_factory=dict)
    #: The encodings kept for this page, whether or not this copy holds their bodies.
    available: tuple[str, ...] = ()

    def __post_init__(self):
        self.available = self.available or tuple(sorted(self.bodies))

    def body_for(self, encoding: str) -> str | None:
        """The encoding to answer a browser asking for ``encoding``, if this copy holds it."""
        usable = encoding if encoding in self.available else "identity"
        return usable if usable in self.bodies else None

    @classmethod
    def build(cls, generation: str, status: str, headers: list[tuple[str, str]], body: bytes) -> CachedPage:
        content_type = next((value for name, value in headers if name.lower() == "content-type"), "")
        bodies = {"identity": body}
        if content_type.startswith(COMPRESSIBLE) and len(body) >= MIN_COMPRESS_BYTES:
            bodies |= {encoding: compress(body, encoding) for encoding in ENCODINGS if encoding != "identity"}
        return cls(generation, status, headers, hashlib.blake2b(body, digest_size=10).hexdigest(), time.time(),
                   bodies)

    @property
    def size(self) -> int:
        return sum(len(body) for body in self.bodies.values()) + 512

    def meta(self) -> bytes:
        return json.dumps({"generation": self.generation, "status": self.status, "headers": self.headers,
                           "etag": self.etag, "created": self.created, "encodings": sorted(self.bodies)}).encode()

    @classmethod
    def from_meta(cls, meta: bytes, bodies: dict[str, bytes]) -> CachedPage:
        data = json.loads(meta)
        return cls(data["generation"], data["status"], [tuple(pair) for pair in data["headers"]], data["etag"],
                   data["created"], bodies, tuple(data["encodings"]))

    @cached_property
    def last_modified(self) -> str:
        """Formatted once per copy, not on every hit."""
        return http_date(self.created)

    def etag_for(self, encoding: str) -> str:
        """A strong validator per representation: the gzip body is not the brotli body."""
        return f'"{self.etag}"' if encoding == "identity" else f'"{self.etag}-{encoding}"'
