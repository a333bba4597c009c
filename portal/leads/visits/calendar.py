"""The calendar invitation of a site visit (RFC 5545, built with ``icalendar``): times in Vietnam time
with their VTIMEZONE, the visit's stable UID and SEQUENCE, the centre as organiser and the investor
as attendee, and the words in the investor's language."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parseaddr

from icalendar import Calendar, Event, Timezone, TimezoneStandard, vCalAddress, vText

from portal import clock

PRODUCT = "-//Invest Portal//Site visits//EN"


@dataclass(frozen=True)
class Invitation:
    """What the invitation says, already in the investor's language."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str
    description: str
    organiser: str  # an address, or "Name <address>"
    organiser_name: str
    attendee: str
    attendee_name: str
    cancelled: bool = False
    tentative: bool = False


def vietnam_time_zone() -> Timezone:
    """Asia/Ho_Chi_Minh: UTC+7 all year, no daylight saving time since 1975."""
    zone = Timezone()
    zone.add("tzid", clock.VIETNAM_TIME_ZONE)
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1975, 6, 13))
    standard.add("tzoffsetfrom", clock.VIETNAM.utcoffset(datetime(2000, 1, 1)))
    standard.add("tzoffsetto", clock.VIETNAM.utcoffset(datetime(2000, 1, 1)))
    standard.add("tzname", "ICT")
    zone.add_component(standard)
    return zone


def _address(mailbox: str, name: str = "") -> vCalAddress:
    display, address = parseaddr(mailbox)
    found = vCalAddress(f"mailto:{address}")
    if name or display:
        found.params["CN"] = vText(name or display)
    return found


def build_invitation(invitation: Invitation, now: datetime | None = None) -> str:
    """The .ics text (CRLF lines): METHOD:REQUEST, or METHOD:CANCEL for a cancelled visit."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if invitation.cancelled else "REQUEST")
    calendar.add_component(vietnam_time_zone())
    event = Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", (now or clock.now()).astimezone(timezone.utc))
    event.add("dtstart", invitation.starts_at.astimezone(clock.VIETNAM))
    event.add("dtend", invitation.ends_at.astimezone(clock.VIETNAM))
    event.add("summary", invitation.summary)
    if invitation.location:
        event.add("location", invitation.location)
    event.add("description", invitation.description)
    event.add("status", "CANCELLED" if invitation.cancelled else "TENTATIVE" if invitation.tentative else "CONFIRMED")
    event.add("organizer", _address(invitation.organiser, invitation.organiser_name))
    attendee = _address(invitation.attendee, invitation.attendee_name)
    attendee.params.update({"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"})
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical().decode()
