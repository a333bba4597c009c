"""PDF documents for the tests, written byte by byte as a PDF writer saves them: a catalogue, one page,
the objects a test adds (also inside object streams), and a cross-reference stream that points a reader
to every one of them."""
from __future__ import annotations

import binascii
import re
import struct
import zlib
from dataclasses import dataclass

#: How an object stream is encoded for each filter that decodes it.
ENCODERS = {b"/FlateDecode": zlib.compress, b"/ASCIIHexDecode": lambda data: binascii.hexlify(data) + b">"}


@dataclass
class ObjectStream:
    """Object ``number``: an object stream (PDF 1.5) holding ``members`` (number: dictionary), decoded by
    ``filters`` in that order; ``padding`` bytes of filler in its dictionary push ``/Type /ObjStm`` more
    than a kilobyte away from its data."""
    number: int
    members: dict[int, bytes]
    filters: tuple[bytes, ...] = (b"/FlateDecode",)
    padding: int = 0

    def __bytes__(self) -> bytes:
        header, body = [], b""
        for number, member in self.members.items():
            header.append(b"%d %d" % (number, len(body)))
            body += member + b"\n"
        first = len(b" ".join(header)) + 1
        data = b" ".join(header) + b"\n" + body
        for name in reversed(self.filters):
            data = ENCODERS[name](data)
        filler = b" /Filler (%s)" % (b"x" * self.padding) if self.padding else b""
        return (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d%s /Filter [%s] /Length %d >>\nstream\n"
                % (self.number, len(self.members), first, filler, b" ".join(self.filters), len(data))
                + data + b"\nendstream\nendobj\n")


def pdf(*objects: bytes | ObjectStream, padding: int = 0, catalog: bytes = b"", page: bytes = b"") -> bytes:
    """A one-page PDF document with the given objects (``b"4 0 obj ... endobj\\n"`` or an ``ObjectStream``);
    ``catalog`` and ``page`` add entries to those dictionaries; ``padding`` adds a stream of that many bytes."""
    parts = [b"%PDF-1.7\n",
             b"1 0 obj << /Type /Catalog /Pages 2 0 R%s >> endobj\n" % catalog,
             b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n",
             b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]%s >> endobj\n" % page,
             *(bytes(item) for item in objects)]
    if padding:
        parts.append(b"9 0 obj << /Length %d >> stream\n" % padding + b"0" * padding + b"\nendstream endobj\n")
    entries, offset = {0: (0, 0, 65535)}, 0
    for part in parts:
        if starts := re.match(rb"(\d+) 0 obj", part):
            entries[int(starts[1])] = (1, offset, 0)
        offset += len(part)
    for item in objects:
        if isinstance(item, ObjectStream):
            entries.update({number: (2, item.number, index) for index, number in enumerate(item.members)})
    size = max(entries) + 2
    entries[size - 1] = (1, offset, 0)
    rows = b"".join(struct.pack(">BIH", *entries.get(number, (0, 0, 0))) for number in range(size))
    parts.append(b"%d 0 obj << /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >> stream\n"
                 % (size - 1, size, len(rows)) + rows + b"\nendstream endobj\n")
    parts.append(b"startxref\n%d\n%%%%EOF\n" % offset)
    return b"".join(parts)
