"""The forms of a personal data request: recording it, correcting the data, erasing, completing."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from portal.auth.forms import StaffForm
from portal.form_messages import BAD_EMAIL, REQUIRED
from portal.leads.models import DATA_REQUEST_LABELS
from portal.leads.pipeline.forms import ContactForm as CorrectionForm

__all__ = ["CompleteForm", "CorrectionForm", "DataRequestForm", "EraseForm"]


class DataRequestForm(StaffForm):
    email = EmailField(_l("The person's e-mail address"), [DataRequired(message=REQUIRED), Length(max=254),
                                                            Email(message=BAD_EMAIL, check_deliverability=False)])
    kind = SelectField(_l("What they ask"), choices=[SelectChoice(k.value, v) for k, v in DATA_REQUEST_LABELS.items()])
    channel = StringField(_l("Received by (e-mail, letter, phone ...)"), [Optional(), Length(max=40)])
    notes = TextAreaField(_l("Notes"), [Optional(), Length(max=5000)])


class EraseForm(StaffForm):
    confirm = BooleanField(_l("I checked the request: erase this person's data everywhere"),
                           [DataRequired(message=_l("Tick the box to confirm."))])


class CompleteForm(StaffForm):
    note = StringField(_l("What was done"), [Optional(), Length(max=1000)])
