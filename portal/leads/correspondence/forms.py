"""The message to the investor and the reply template editor."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.auth.forms import StaffForm
from portal.form_messages import REQUIRED
from portal.leads.correspondence.filling import PLACEHOLDERS, unknown_placeholders


class MessageForm(StaffForm):
    subject = StringField(_l("Subject"), [DataRequired(message=REQUIRED), Length(max=200)])
    body = TextAreaField(_l("Message"), [DataRequired(message=REQUIRED), Length(max=20_000)])
    brochures = SelectMultipleField(_l("Attach brochures"), coerce=int, widget=ListWidget(prefix_label=False),
                                    option_widget=CheckboxInput())
    template = HiddenField(validators=[Optional(), Length(max=30)])

    def __init__(self, brochure_choices: list[tuple[int, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.brochures.choices = brochure_choices


def known_placeholders(form, field) -> None:
    unknown = unknown_placeholders(field.data or "")
    if unknown:
        raise ValidationError(_("Unknown placeholder: %(names)s. You can use: %(known)s.",
                                 names=", ".join("{" + name + "}" for name in unknown),
                                 known=", ".join("{" + name + "}" for name in PLACEHOLDERS)))


class ReplyTemplateForm(StaffForm):
    subject = StringField(_l("Subject"), [Optional(), Length(max=200), known_placeholders])
    body = TextAreaField(_l("Text"), [Optional(), Length(max=10_000), known_placeholders])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        subject, body = (self.subject.data or "").strip(), (self.body.data or "").strip()
        if bool(subject) != bool(body):
            empty = self.body if subject else self.subject
            empty.errors = [*empty.errors, _("Fill in both the subject and the text, or empty both to remove "
                                               "this language.")]
            return False
        return valid
