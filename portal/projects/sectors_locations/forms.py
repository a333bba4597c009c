"""Forms for sectors and locations: a stable code and a name in every language."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from portal.auth.forms import StaffForm
from portal.form_messages import MAX_POSITION, REQUIRED, in_range
from portal.i18n import LANGUAGE_NAMES, LANGUAGES
from portal.projects.admin.forms import latitude_field, longitude_field


class ReferenceForm(StaffForm):
    """A sector or a location: a stable code and its name in every language."""

    code = StringField(_l("Code"), [DataRequired(message=REQUIRED), Regexp(
        re.compile(r"^[a-z][a-z0-9_]{1,38}$"), message=_l("Use lowercase letters, digits and underscores."))])
    position = IntegerField(_l("Position in the list"), [InputRequired(message=REQUIRED), in_range(0, MAX_POSITION)])


class SectorForm(ReferenceForm):
    priority = BooleanField(_l("A priority sector of the region"))


class LocationForm(ReferenceForm):
    latitude = latitude_field()
    longitude = longitude_field()


for _form in (SectorForm, LocationForm):
    for _code in LANGUAGES:
        setattr(_form, f"name_{_code}", StringField(_l("Name in %(language)s", language=LANGUAGE_NAMES[_code]),
                                                    [DataRequired(message=REQUIRED), Length(max=120)]))


def reference_fields(form: ReferenceForm) -> list[str]:
    return [name for name in form._fields if name != "csrf_token"]
