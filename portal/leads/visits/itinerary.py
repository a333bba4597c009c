"""A site visit in the investor's language: park names (with the catalogue's content fallback), dates
and times in Vietnam time formatted by Babel for the locale, the e-mail's context and the calendar
invitation built from the same words."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, gettext as _

from portal.clock import VIETNAM, as_utc
from portal.dates import format_clock, format_day
from portal.i18n import addressee, format_items, language_name
from portal.leads.models import Lead, SiteVisit, VisitStatus
from portal.leads.visits.calendar import Invitation, build_invitation
from portal.outbox.models import reply_address
from portal.projects.models import IndustrialPark


def park_name(park: IndustrialPark, lang: str) -> str:
    localized = park.text(lang)
    return localized.text.name if localized else park.slug


def _when(visit: SiteVisit) -> str:
    starts, ends = as_utc(visit.starts_at), as_utc(visit.ends_at)
    if starts.astimezone(VIETNAM).date() == ends.astimezone(VIETNAM).date():
        return _("%(day)s, %(start)s – %(end)s (Vietnam time, UTC+7)", day=format_day(starts, "weekday"),
                 start=format_clock(starts), end=format_clock(ends))
    return _("%(start)s – %(end)s (Vietnam time, UTC+7)",
             start=f"{format_day(starts, 'weekday')} {format_clock(starts)}",
             end=f"{format_day(ends, 'weekday')} {format_clock(ends)}")


def _stops(visit: SiteVisit, lang: str) -> list[tuple[str, str]]:
    return [(format_clock(as_utc(stop.arrives_at)) if stop.arrives_at else "", park_name(stop.park, lang))
            for stop in visit.stops]


def mail_context(lead: Lead, visit: SiteVisit, officer) -> dict:
    """What ``email/site_visit.txt`` shows, in the investor's language (call inside ``force_locale``)."""
    lang = lead.preferred_language
    return {"addressee": addressee(lead.name, lead.company), "reference": lead.reference, "status": visit.status,
            "changed": visit.sequence > 0, "when": _when(visit),
            "day": format_day(as_utc(visit.starts_at), "long"), "stops": _stops(visit, lang),
            "meeting_point": visit.meeting_point, "guide_language": language_name(visit.guide_language),
            "note": visit.note, "officer_name": officer.name, "officer_email": officer.email}


def invitation(lead: Lead, visit: SiteVisit) -> str:
    """The .ics of the visit as it now stands, in the investor's language."""
    lang = lead.preferred_language
    with force_locale(lang):
        stops = _stops(visit, lang)
        names = format_items([name for _time, name in stops], lang)
        centre = current_app.extensions["region"].centre_name(lang)
        lines = [_("Site visit organised by %(centre)s.", centre=centre),
                 f"{_('Guide speaks:')} {language_name(visit.guide_language)}"]
        lines += [" ".join(filter(None, (f"{index}.", time, name))) for index, (time, name) in enumerate(stops, 1)]
        if visit.note:
            lines += ["", visit.note]
        return build_invitation(Invitation(
            uid=visit.uid, sequence=visit.sequence, starts_at=as_utc(visit.starts_at), ends_at=as_utc(visit.ends_at),
            summary=_("Site visit: %(parks)s", parks=names), location=visit.meeting_point or stops[0][1],
            description="\n".join(lines),
            # the investor's answer (accepted, declined) comes back to the lead's plus address
            organiser=reply_address(lead.reference) or current_app.config["MAIL_DEFAULT_SENDER"],
            organiser_name=centre,
            attendee=lead.email, attendee_name=lead.name, cancelled=visit.status == VisitStatus.CANCELLED,
            tentative=visit.status == VisitStatus.PROPOSED))
