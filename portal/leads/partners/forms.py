"""Forms for referrers and events."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from portal.auth.forms import StaffForm
from portal.form_messages import BAD_EMAIL, REQUIRED
from portal.i18n import LANGUAGE_NAMES, LANGUAGES
from portal.leads.countries import countries
from portal.leads.models import EVENT_KIND_LABELS, REFERRER_KIND_LABELS

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")


def _countries(lang: str) -> list[SelectChoice]:
    return [SelectChoice("", _l("Choose a country"))] + [SelectChoice(code, name) for code, name in countries(lang)]


class ReferrerForm(StaffForm):
    name = StringField(_l("Name"), [DataRequired(message=REQUIRED), Length(max=200)])
    organisation = StringField(_l("Organisation"), [Optional(), Length(max=200)])
    kind = SelectField(_l("Kind of referrer"),
                       choices=[SelectChoice(k.value, v) for k, v in REFERRER_KIND_LABELS.items()])
    country = SelectField(_l("Country or territory"), default="")
    email = EmailField(_l("E-mail"), [Optional(), Length(max=254), Email(message=BAD_EMAIL, check_deliverability=False)])
    preferred_language = SelectField(_l("Language for e-mails"),
                                     choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES])
    code = StringField(_l("Code of the personal link"), [
        DataRequired(message=REQUIRED),
        Regexp(CODE, message=_l("Use 3 to 40 lowercase letters, digits and hyphens.")),
    ])
    active = BooleanField(_l("Active: the personal link works"), default=True)
    wants_updates = BooleanField(_l("Agreed to hear when someone they introduced registers an investment"))

    def __init__(self, lang: str, taken_codes: set[str], **kwargs):
        super().__init__(**kwargs)
        self.country.choices = _countries(lang)
        self.taken_codes = taken_codes

    def validate_code(self, field):
        if field.data in self.taken_codes:
            raise ValidationError(_l("Another referrer uses this code."))


class EventForm(StaffForm):
    name = StringField(_l("Name"), [DataRequired(message=REQUIRED), Length(max=200)])
    kind = SelectField(_l("Kind of event"), choices=[SelectChoice(k.value, v) for k, v in EVENT_KIND_LABELS.items()])
    starts_on = DateField(_l("First day"), [DataRequired(message=_l("Please choose a date."))])
    ends_on = DateField(_l("Last day"), [Optional()])
    place = StringField(_l("Place"), [Optional(), Length(max=200)])
    country = SelectField(_l("Country or territory"), default="")
    notes = TextAreaField(_l("Notes"), [Optional(), Length(max=5000)])

    def __init__(self, lang: str, **kwargs):
        super().__init__(**kwargs)
        self.country.choices = _countries(lang)

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))


class LeadEventForm(StaffForm):
    event = SelectField(_l("Met at an event"), default="")

    def __init__(self, events, **kwargs):
        super().__init__(**kwargs)
        self.event.choices = [SelectChoice("", _l("No event"))] + [SelectChoice(str(e.id), e.name) for e in events]
