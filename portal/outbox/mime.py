"""An outgoing e-mail's bytes. ``delivery.build_email`` makes an ``EmailMessage`` (attachments, calendar
invitations, tests); a plain-text message, nearly every one the outbox sends, is written here directly
(``plain_text_bytes``), byte for byte as ``email`` would write it: parsing and folding each header
through ``email.headerregistry`` cost the sender more than anything else it did per message. A header
that is not plain ASCII of one short line is still folded by ``email`` (``MAIL_POLICY``), so the
shortcut only ever writes what ``email`` would have written (tested against it)."""
from __future__ import annotations

import binascii
import re
from datetime import datetime
from email import quoprimime
from email.headerregistry import HeaderRegistry
from email.policy import EmailPolicy
from email.utils import format_datetime
from functools import lru_cache
from string import ascii_letters, digits
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portal.outbox.delivery import OutgoingMail

MAX_LINE = 78
#: RFC 2047: an encoded word is at most 75 characters long.
MAX_ENCODED_WORD = 75
_Q_SAFE = frozenset((ascii_letters + digits + "-!*+/").encode())
#: How each byte is written in a Q-encoded word (RFC 2047 4.2): safe characters as they are, a space as
#: ``_``, anything else as ``=XX``.
_Q = tuple(chr(byte) if byte in _Q_SAFE else "_" if byte == 0x20 else f"={byte:02X}" for byte in range(256))


def _encoded_words(value: str, first_room: int) -> list[str]:
    """``value`` as UTF-8 encoded words, the first at most ``first_room`` characters long, the others at
    most 75: Q or B, whichever is shorter for the whole value (as ``email.charset`` chooses), every
    space inside a word and no character split between two words."""
    data = value.encode()
    base64 = (len(data) + 2) // 3 * 4 < sum(len(_Q[byte]) for byte in data)
    prefix = "=?utf-8?b?" if base64 else "=?utf-8?q?"
    chunks: list[bytes] = []
    chunk, written = b"", 0  # written: the chunk's length once encoded (Q), or its bytes (B)
    room = first_room - len(prefix) - 2
    for char in value:
        encoded = char.encode()
        grown = written + (len(encoded) if base64 else sum(len(_Q[byte]) for byte in encoded))
        if chunk and (((grown + 2) // 3 * 4) if base64 else grown) > room:
            chunks.append(chunk)
            chunk, written, room = b"", 0, MAX_ENCODED_WORD - len(prefix) - 2
            grown = len(encoded) if base64 else sum(len(_Q[byte]) for byte in encoded)
        chunk += encoded
        written = grown
    chunks.append(chunk)
    if base64:
        return [f"{prefix}{binascii.b2a_base64(chunk, newline=False).decode()}?=" for chunk in chunks]
    return [f"{prefix}{''.join(_Q[byte] for byte in chunk)}?=" for chunk in chunks]


def encoded_header(name: str, value: str, linesep: str) -> str:
    """A header with non-ASCII text as one run of encoded words, folded between words, every line
    at most 78 characters: decoded, it is exactly ``value``, spaces included."""
    words = _encoded_words(value, MAX_LINE - len(name) - 2)
    return f"{name}: {(linesep + ' ').join(words)}{linesep}"


class WholeSubjectPolicy(EmailPolicy):
    """``email.policy.default``, except that a subject with any non-ASCII letter is written as one run
    of UTF-8 encoded words with every space inside a word (``encoded_header``). The default folding
    puts a space between two encoded words, where a reader drops it ("– 접수" arrived as "–접수")."""

    def fold(self, name: str, value) -> str:
        if name.lower() == "subject" and not str(value).isascii():
            return encoded_header(name, str(value), self.linesep)
        return super().fold(name, value)

    def fold_binary(self, name: str, value) -> bytes:
        if name.lower() == "subject" and not str(value).isascii():
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)


class HeaderClassesMadeOnce(HeaderRegistry):
    """The standard header classes, each made once per header name: ``HeaderRegistry`` makes a new
    class for every header of every message, a sixth of the sender's time for an acknowledgement."""

    def __init__(self):
        super().__init__()
        self._made: dict[str, type] = {}

    def map_to_type(self, name, cls):
        super().map_to_type(name, cls)
        self._made.clear()

    def __getitem__(self, name):
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


MAIL_POLICY = WholeSubjectPolicy(header_factory=HeaderClassesMadeOnce())

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOMAIN = r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
#: An address ``email`` writes back unchanged: a dot-atom, no display name.
PLAIN_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_DOMAIN}")
_PLAIN_MESSAGE_ID = re.compile(rf"<{_ATOM}(?:\.{_ATOM})*@{_DOMAIN}>")
_PLAIN_DATE = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}")
_PRINTABLE = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")
#: Per header, the values ``email`` writes back exactly as given (on one short line); others are folded
#: by it. An address with a display name (the ``From`` of ``MAIL_DEFAULT_SENDER``) is always folded by
#: ``email``, which quotes what needs quoting; it is the same every time, so that is done once.
_WRITTEN_AS_GIVEN = {"from": PLAIN_ADDRESS, "to": PLAIN_ADDRESS, "reply-to": PLAIN_ADDRESS,
                     "message-id": _PLAIN_MESSAGE_ID, "date": _PLAIN_DATE}


def header_line(name: str, value: str, linesep: str) -> str:
    """``name: value`` and the line end, as ``email`` (``MAIL_POLICY``) writes it: directly when the
    value is one it writes back unchanged (plain ASCII, one line, no encoded word), else by ``email``."""
    if len(name) + 2 + len(value) <= MAX_LINE and "=?" not in value \
            and (_WRITTEN_AS_GIVEN.get(name.lower(), _PRINTABLE)).fullmatch(value):
        return f"{name}: {value}{linesep}"
    if name.lower() == "subject" and not value.isascii() and "=?" not in value and value.splitlines() == [value]:
        return encoded_header(name, value, linesep)  # what ``_folded`` would write, without parsing it first
    return _folded(name, value, linesep)


@lru_cache(maxsize=64)
def _folded(name: str, value: str, linesep: str) -> str:
    """Cached: most of what comes here is the same every time (the ``From`` of ``MAIL_DEFAULT_SENDER``)."""
    policy = MAIL_POLICY.clone(linesep=linesep)
    return policy.fold_binary(*policy.header_store_parse(name, value)).decode("ascii", "surrogateescape")


def text_body(text: str) -> tuple[str, bytes]:
    """The Content-Transfer-Encoding and the encoded lines (``\\n`` between them) of a UTF-8 text part,
    chosen as ``email.contentmanager`` chooses for ``set_content(text)``: as it is when every line fits,
    else quoted-printable or base64, whichever is shorter for the first ten lines."""
    lines = text.encode().splitlines()
    body = b"\n".join(lines) + b"\n"
    if max((len(line) for line in lines), default=0) <= MAX_LINE:
        return ("7bit" if body.isascii() else "8bit"), body
    sniff = body if len(lines) <= 10 else b"\n".join(lines[:10]) + b"\n"
    sniff_qp = quoprimime.body_encode(sniff.decode("latin-1"), MAX_LINE)
    if len(sniff_qp) <= len(binascii.b2a_base64(sniff)):
        if len(lines) <= 10:
            return "quoted-printable", sniff_qp.encode("ascii")
        return "quoted-printable", quoprimime.body_encode(body.decode("latin-1"), MAX_LINE).encode("ascii")
    per_line = MAX_LINE // 4 * 3
    return "base64", b"".join(binascii.b2a_base64(body[i:i + per_line]) for i in range(0, len(body), per_line))


def plain_text_bytes(mail: OutgoingMail, sender: str, now: datetime, linesep: str = "\n") -> bytes:
    """The bytes of ``build_email(mail)`` (a message with neither attachments nor a calendar) as
    ``email`` writes them with ``linesep``: ``"\\n"`` for a file, ``"\\r\\n"`` for SMTP."""
    headers = [("From", sender), ("To", mail.recipient), ("Subject", mail.subject),
               ("Date", format_datetime(now)), ("Message-ID", mail.message_id)]
    if mail.reply_to:
        headers.append(("Reply-To", mail.reply_to))
    if mail.thread:
        headers += [("In-Reply-To", mail.thread[-1]), ("References", " ".join(mail.thread))]
    encoding, body = text_body(mail.body)
    headers += [("Content-Type", 'text/plain; charset="utf-8"'), ("Content-Transfer-Encoding", encoding),
                ("MIME-Version", "1.0"), ("Content-Language", mail.language)]
    head = "".join(header_line(name, value, linesep) for name, value in headers) + linesep
    if linesep != "\n":
        body = body.replace(b"\n", linesep.encode())
    return head.encode("ascii", "surrogateescape") + body
