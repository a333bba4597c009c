"""The forms of the investor's private page: add to the inquiry, and ask for the link again."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from portal.form_messages import BAD_EMAIL, REQUIRED, FormMeta

#: Files one message may carry.
MAX_DOCUMENTS = 3


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class AddToInquiryForm(FlaskForm):
    class Meta(FormMeta):
        pass

    message = TextAreaField(_l("Your message"), [Length(max=5000, message=_l(
        "Please keep this under %(max)d characters."))], filters=[_strip], default="")
    documents = MultipleFileField(_l("Documents (PDF, JPEG, PNG or WebP)"))

    def chosen_files(self) -> list:
        return [file for file in (self.documents.data or []) if file and file.filename]

    def validate_documents(self, field):
        if len(self.chosen_files()) > MAX_DOCUMENTS:
            raise ValidationError(_l("Please send at most %(count)d files at a time.", count=MAX_DOCUMENTS))

    def validate_message(self, field):
        if not field.data and not self.chosen_files():
            raise ValidationError(_l("Write a message or choose a document to send."))


class SendLinkAgainForm(FlaskForm):
    class Meta(FormMeta):
        pass

    reference = StringField(_l("Reference number (e.g. IP-26-7K3QXM)"), [
        DataRequired(message=REQUIRED), Length(max=20, message=_l("A reference has at most 20 characters."))],
        filters=[_strip], default="")
    email = EmailField(_l("The e-mail address you wrote from"), [
        DataRequired(message=REQUIRED), Length(max=254), Email(message=BAD_EMAIL, check_deliverability=False)],
        filters=[_strip], default="")
