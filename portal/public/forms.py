"""The key-figure form of the home page's administration."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from portal.auth.forms import StaffForm
from portal.clean_input import LARGEST_NUMBER
from portal.form_messages import MAX_POSITION, REQUIRED, in_range
from portal.public.models import FIGURE_LABELS


class KeyFigureForm(StaffForm):
    kind = SelectField(_l("Figure"), [InputRequired(message=REQUIRED)],
                       choices=[SelectChoice(kind.value, label) for kind, label in FIGURE_LABELS.items()])
    value = DecimalField(_l("Value"), [InputRequired(message=REQUIRED), in_range(0, LARGEST_NUMBER)], places=2)
    at_least = BooleanField(_l("The source says \"more than\""))
    as_of = DateField(_l("As of"), [InputRequired(message=REQUIRED)])
    source = StringField(_l("Published by"), [DataRequired(message=REQUIRED), Length(max=255)])
    position = IntegerField(_l("Position on the home page"),
                            [InputRequired(message=REQUIRED), in_range(0, MAX_POSITION)])
