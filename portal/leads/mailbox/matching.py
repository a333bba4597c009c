"""Pure functions reading an e-mail: who it may belong to (plus address, thread, sender) and its text.
Nothing here touches the database, so every rule is tested on plain messages."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from icalendar import Calendar

from portal.outbox.models import plus_reference

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
#: Where a mail client starts quoting what it answers ("On ... wrote:", Outlook's block, a "-----" line).
QUOTE_START = re.compile(
    r"^(On .{0,200} wrote:|Le .{0,200} a écrit :|-{2,} ?Original Message ?-{2,}|_{10,}|From: .+|"
    r"Vào .{0,200} đã viết:|.{0,100}님이 작성:|.{0,200}(wrote|написал|schrieb):)\s*$", re.IGNORECASE)
ATTACHMENT_NAME_LENGTH = 255


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes


@dataclass(frozen=True)
class CalendarAnswer:
    """An attendee's answer to an invitation: one VEVENT of an iTIP ``METHOD:REPLY`` (RFC 5546)."""

    uid: str
    sequence: int
    partstat: str  # ACCEPTED, DECLINED or TENTATIVE
    attendee: str = ""


ANSWERS = ("ACCEPTED", "DECLINED", "TENTATIVE")


@dataclass(frozen=True)
class Reply:
    """What the portal keeps of an e-mail."""

    message_id: str
    sender: str
    subject: str
    text: str
    recipients: list[str] = field(default_factory=list)
    thread_ids: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    calendar_answers: list[CalendarAnswer] = field(default_factory=list)


def references_in(addresses: list[str]) -> list[str]:
    """The lead references named by plus addresses, in order, without repeats."""
    found = [reference for address in addresses if (reference := plus_reference(address))]
    return list(dict.fromkeys(found))


def message_ids(*headers: str | None) -> list[str]:
    """Every ``<id>`` in ``In-Reply-To`` and ``References``, the most recent first."""
    ids = [match for header in headers if header for match in reversed(MESSAGE_ID.findall(header))]
    return list(dict.fromkeys(ids))


def html_to_text(markup: str) -> str:
    """HTML as plain text, for the timeline: tags dropped (scripts and styles with their content),
    entities decoded. The result is shown escaped, never as HTML."""
    markup = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr|h[1-6])\s*>", "\n", markup)
    markup = re.sub(r"(?s)<[^>]*>", "", markup)
    text = html.unescape(markup)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def without_quote(text: str) -> str:
    """The new text of a reply: stops at the quoted history (a "wrote:" line, or lines starting ``>``)."""
    kept = []
    for line in text.splitlines():
        if QUOTE_START.match(line.strip()) or line.startswith(">"):
            break
        kept.append(line.rstrip())
    trimmed = "\n".join(kept).strip()
    return trimmed or text.strip()


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is not None:
        return without_quote(part.get_content())
    part = message.get_body(preferencelist=("html",))
    return without_quote(html_to_text(part.get_content())) if part is not None else ""


def attachments_of(message: EmailMessage) -> list[Attachment]:
    found = []
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        if data and not part.is_multipart():
            found.append(Attachment((part.get_filename() or "")[:ATTACHMENT_NAME_LENGTH], data))
    return found


def calendar_answers(message: EmailMessage) -> list[CalendarAnswer]:
    """The answers in the message's ``text/calendar`` parts whose METHOD is REPLY (in the calendar or in
    the part's ``method`` parameter); a part that does not parse, or any other method, is left alone."""
    found = []
    for part in message.walk():
        if part.get_content_type() != "text/calendar":
            continue
        try:
            data = part.get_payload(decode=True) or b""
            calendar = Calendar.from_ical(data)
        except ValueError:
            continue
        method = str(calendar.get("method") or part.get_param("method") or "").upper()
        if method != "REPLY":
            continue
        for event in calendar.walk("VEVENT"):
            try:
                found.extend(_event_answer(event))
            except (ValueError, TypeError, AttributeError):
                continue
    return found


def _event_answer(event) -> list[CalendarAnswer]:
    attendees = event.get("attendee") or []
    for attendee in attendees if isinstance(attendees, list) else [attendees]:
        partstat = str(attendee.params.get("PARTSTAT", "")).upper()
        if event.get("uid") and partstat in ANSWERS:
            address = re.sub(r"(?i)^mailto:", "", str(attendee))
            return [CalendarAnswer(uid=str(event.get("uid"))[:255], sequence=int(event.get("sequence", 0)),
                                   partstat=partstat, attendee=address[:254])]
    return []


def read_reply(message: EmailMessage, fallback_id: str) -> Reply:
    """``message`` parsed with ``email.policy.default``; ``fallback_id`` when it has no Message-ID."""
    recipients = [address for _name, address in
                  getaddresses([str(value) for header in ("To", "Cc", "Delivered-To", "X-Original-To")
                                for value in message.get_all(header, [])])]
    own_id = MESSAGE_ID.search(str(message.get("Message-ID", "")))
    return Reply(
        message_id=(own_id.group(0) if own_id else fallback_id)[:255],
        sender=parseaddr(str(message.get("From", "")))[1][:254],
        subject=" ".join(str(message.get("Subject", "")).split())[:255],
        text=body_text(message),
        recipients=recipients,
        thread_ids=message_ids(str(message.get("In-Reply-To", "")), str(message.get("References", ""))),
        attachments=attachments_of(message),
        calendar_answers=calendar_answers(message),
    )
