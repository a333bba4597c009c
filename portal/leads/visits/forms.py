"""The site-visit form: when, the parks in order (each with its arrival time), where to meet, the
guide's language and a note; every time is Vietnam time, as the officer and the itinerary read it."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import (DateTimeLocalField, FieldList, Form, FormField, SelectField, StringField, SubmitField,
                     TextAreaField, TimeField)
from wtforms.validators import InputRequired, Length, Optional

from portal import clock
from portal.auth.forms import StaffForm
from portal.clock import VIETNAM, as_utc
from portal.form_messages import REQUIRED, PortalMeta
from portal.i18n import LANGUAGES, language_name
from portal.leads.models import Lead, SiteVisit
from portal.leads.visits.itinerary import park_name
from portal.leads.visits.operations import VisitPlan
from portal.projects.models import IndustrialPark

MAX_STOPS = 12
#: What a browser's date-and-time field sends, and shows.
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
#: Where a visit planned from the investor's preferred day starts and ends, until the officer says.
DEFAULT_HOURS = (time(8, 30), time(16, 0))


class StopForm(Form):
    class Meta(PortalMeta):
        pass

    park = SelectField(_l("Park"), validators=[Optional()])
    arrives = TimeField(_l("Arrival time"), validators=[Optional()])


class VisitForm(StaffForm):
    starts_at = DateTimeLocalField(_l("Start"), [InputRequired(message=REQUIRED)], format=LOCAL_FORMAT)
    ends_at = DateTimeLocalField(_l("End"), [InputRequired(message=REQUIRED)], format=LOCAL_FORMAT)
    stops = FieldList(FormField(StopForm), min_entries=1, max_entries=MAX_STOPS)
    meeting_point = StringField(_l("Meeting point"), [Optional(), Length(max=300)])
    guide_language = SelectField(_l("Guide's language"))
    note = TextAreaField(_l("Note for the investor"), [Optional(), Length(max=2000)])
    propose = SubmitField(_l("Propose this itinerary"))
    confirm = SubmitField(_l("Confirm the visit"))

    def __init__(self, parks: list[IndustrialPark], lang: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parks = {str(park.id): park for park in parks}
        choices = [("", _("Choose a park"))] + sorted(((key, park_name(park, lang)) for key, park in self.parks.items()),
                                                     key=lambda choice: choice[1].casefold())
        for entry in self.stops:
            entry.form.park.choices = choices
        self.guide_language.choices = [(code, language_name(code)) for code in LANGUAGES]
        self._choices = choices

    def add_empty_stops(self, at_least: int) -> None:
        """Blank rows for more parks (the officer leaves unused ones empty)."""
        while len(self.stops) < min(at_least, MAX_STOPS):
            self.stops.append_entry()
            self.stops[-1].form.park.choices = self._choices

    def chosen_stops(self) -> list:
        return [entry.form for entry in self.stops if entry.form.park.data]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        starts, ends = self.starts_at.data, self.ends_at.data
        if starts and starts.replace(tzinfo=VIETNAM) < clock.now():
            self.starts_at.errors = [*self.starts_at.errors, _("The visit cannot start in the past.")]
            valid = False
        if starts and ends and ends <= starts:
            self.ends_at.errors = [*self.ends_at.errors, _("The end must be after the start.")]
            valid = False
        chosen = self.chosen_stops()
        if not chosen:
            self.stops.errors = [_("Choose at least one park to visit.")]
            valid = False
        for stop in chosen:
            if starts and ends and ends > starts and stop.arrives.data and _arrival(starts, stop.arrives.data) > ends:
                stop.arrives.errors = [*stop.arrives.errors, _("Each stop must fall within the visit's times.")]
                valid = False
        return valid

    def plan(self) -> VisitPlan:
        starts = self.starts_at.data
        return VisitPlan(
            starts_at=_utc(starts), ends_at=_utc(self.ends_at.data),
            stops=[(self.parks[stop.park.data], _utc(_arrival(starts, stop.arrives.data)) if stop.arrives.data else None)
                   for stop in self.chosen_stops()],
            meeting_point=(self.meeting_point.data or "").strip(), guide_language=self.guide_language.data,
            note=(self.note.data or "").strip())


def _arrival(starts: datetime, arrives: time) -> datetime:
    """The first moment at ``arrives`` o'clock from the start of the visit on."""
    moment = datetime.combine(starts.date(), arrives)
    return moment if moment >= starts else moment + timedelta(days=1)


def _utc(local: datetime) -> datetime:
    return local.replace(tzinfo=VIETNAM).astimezone(timezone.utc)


def _local(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(VIETNAM).replace(tzinfo=None)


def form_data(lead: Lead, visit: SiteVisit | None) -> dict:
    """The visit as planned, else what the investor asked for: their first preferred day (if still
    ahead), the parks they named and the guide's language they chose."""
    if visit is not None:
        return {"starts_at": _local(visit.starts_at), "ends_at": _local(visit.ends_at),
                "stops": [{"park": str(stop.park_id), "arrives": _local(stop.arrives_at).time() if stop.arrives_at
                           else None} for stop in visit.stops],
                "meeting_point": visit.meeting_point, "guide_language": visit.guide_language, "note": visit.note}
    data = {"stops": [{"park": str(park.id)} for park in lead.parks],
            "guide_language": lead.guide_language or lead.preferred_language}
    if lead.visit_from and lead.visit_from > clock.today_in_vietnam():
        data["starts_at"] = datetime.combine(lead.visit_from, DEFAULT_HOURS[0])
        data["ends_at"] = datetime.combine(lead.visit_from, DEFAULT_HOURS[1])
    return data


class CancelVisitForm(StaffForm):
    pass
