"""The import's forms: the file with its event and default language, then the confirmation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from portal.auth.forms import StaffForm
from portal.i18n import LANGUAGE_NAMES, LANGUAGES


class UploadForm(StaffForm):
    file = FileField(_l("CSV or Excel file"), [FileRequired(message=_l("Choose a file."))])
    event = SelectField(_l("Met at"), default="")
    language = SelectField(_l("Language, where the file does not say"),
                           choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES], default="en")

    def __init__(self, events, **kwargs):
        super().__init__(**kwargs)
        self.event.choices = [SelectChoice("", _l("No event"))] + [SelectChoice(str(e.id), e.name) for e in events]


class ConfirmForm(StaffForm):
    """Only the CSRF token: the mapping travels as ``column-<n>`` fields."""
