"""Forms of the pipeline's settings: a stage, a reason for losing a lead, a public holiday."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.auth.forms import StaffForm
from portal.form_messages import MAX_POSITION, REQUIRED, in_range
from portal.i18n import LANGUAGE_NAMES, LANGUAGES
from portal.leads.rules.stage_facts import FACT_LABELS


class StageEditForm(StaffForm):
    code = StringField(_l("Code"), [DataRequired(message=REQUIRED), Regexp(
        re.compile(r"^[a-z][a-z0-9_]{1,38}$"), message=_l("Use lowercase letters, digits and underscores."))])
    position = IntegerField(_l("Position on the board"), [InputRequired(message=REQUIRED), in_range(0, MAX_POSITION)])
    probability = IntegerField(_l("Default probability (percent)"), [InputRequired(message=REQUIRED),
                                                               NumberRange(min=0, max=100)])
    is_won = BooleanField(_l("Won: the investment is registered"))
    is_lost = BooleanField(_l("Lost"))
    required_facts = SelectMultipleField(_l("Facts required before a lead enters this stage"),
                                         widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                         choices=[SelectChoice(fact.value, label) for fact, label in FACT_LABELS.items()])

    def validate_is_lost(self, field):
        if field.data and self.is_won.data:
            raise ValidationError(_l("A stage cannot be both won and lost."))


class HolidayForm(StaffForm):
    day = DateField(_l("Day"), [InputRequired(message=REQUIRED)])
    name = StringField(_l("Holiday"), [DataRequired(message=REQUIRED), Length(max=120)])


class LostReasonForm(StaffForm):
    code = StringField(_l("Code"), [DataRequired(message=REQUIRED), Regexp(
        re.compile(r"^[a-z][a-z0-9_]{1,38}$"), message=_l("Use lowercase letters, digits and underscores."))])
    position = IntegerField(_l("Position in the list"), [InputRequired(message=REQUIRED), in_range(0, MAX_POSITION)])
    active = BooleanField(_l("Offered when a lead is lost"), default=True)


for _form in (StageEditForm, LostReasonForm):
    for _code in LANGUAGES:
        setattr(_form, f"name_{_code}", StringField(_l("Name in %(language)s", language=LANGUAGE_NAMES[_code]),
                                                    [DataRequired(message=REQUIRED), Length(max=120)]))
