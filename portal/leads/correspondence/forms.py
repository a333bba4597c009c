"""The message to the investor and the reply template editor."""
from __future__ import annotations

from datetime import datetime, timezone

from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import DateTimeLocalField, HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal import clock
from portal.auth.forms import StaffForm
from portal.clock import VIETNAM
from portal.form_messages import REQUIRED
from portal.leads.correspondence.filling import PLACEHOLDERS, unknown_placeholders


class MessageForm(StaffForm):
    subject = StringField(_l("Subject"), [DataRequired(message=REQUIRED), Length(max=200)])
    body = TextAreaField(_l("Message"), [DataRequired(message=REQUIRED), Length(max=20_000)])
    brochures = SelectMultipleField(_l("Attach brochures"), coerce=int, widget=ListWidget(prefix_label=False),
                                    option_widget=CheckboxInput())
    template = HiddenField(validators=[Optional(), Length(max=30)])
    send_at = DateTimeLocalField(_l("Send later, on (Vietnam time)"), [Optional()], format=["%Y-%m-%dT%H:%M"])

    def __init__(self, brochure_choices: list[tuple[int, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.brochures.choices = brochure_choices

    def validate_send_at(self, field) -> None:
        if field.data is not None and self.send_at_utc() <= clock.now():
            raise ValidationError(_("Choose a time in the future, or leave it empty to send now."))

    def send_at_utc(self) -> datetime | None:
        """The time chosen, read as Vietnam time, in UTC; None: send now."""
        if self.send_at.data is None:
            return None
        return self.send_at.data.replace(tzinfo=VIETNAM).astimezone(timezone.utc)


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
