"""Staff login, account and user-management forms."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from portal.auth import passwords
from portal.auth.models import ROLE_LABELS

from portal.form_messages import BAD_EMAIL, REQUIRED, FormMeta
from portal.i18n import LANGUAGE_NAMES, LANGUAGES



class StaffForm(FlaskForm):
    class Meta(FormMeta):
        pass


class LoginForm(StaffForm):
    email = EmailField(_l("E-mail"), [DataRequired(message=REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), [DataRequired(message=REQUIRED), Length(max=200)])


class CodeForm(StaffForm):
    code = StringField(_l("Code from your authenticator app, or a recovery code"),
                       [DataRequired(message=REQUIRED), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"})


class LanguageForm(StaffForm):
    language = SelectField(
        _l("Language of the back office"),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code], render_kw={"lang": code}) for code in LANGUAGES],
    )


COUNTRY_CODES = re.compile(r"^\s*([A-Za-z]{2}\s*(,\s*[A-Za-z]{2}\s*)*)?$")


class UserForm(StaffForm):
    """An administrator's view of a staff account, with the rules for automatic assignment."""

    name = StringField(_l("Name"), [DataRequired(message=REQUIRED), Length(max=120)])
    email = EmailField(_l("E-mail"), [DataRequired(message=REQUIRED), Length(max=254), Email(message=BAD_EMAIL, check_deliverability=False)])
    role = SelectField(_l("Role"), choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()])
    language = SelectField(_l("Language of the back office"),
                           choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES])
    active = BooleanField(_l("Active: may log in"), default=True)
    auto_assign = BooleanField(_l("Receives new leads automatically"))
    languages = SelectMultipleField(_l("Works with investors in"), widget=ListWidget(prefix_label=False),
                                    option_widget=CheckboxInput(),
                                    choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES])
    countries = StringField(_l("Countries covered (ISO codes, e.g. KR, JP; empty for all)"), [
        Optional(), Length(max=400),
        Regexp(COUNTRY_CODES, message=_l("Use two-letter country codes separated by commas.")),
    ])
    capacity = IntegerField(_l("Most open leads at once"), [InputRequired(message=REQUIRED),
                                                           NumberRange(min=0, max=1000)], default=40)

    def __init__(self, taken_emails: set[str], **kwargs):
        super().__init__(**kwargs)
        self.taken_emails = taken_emails

    def validate_email(self, field):
        if field.data.strip().lower() in self.taken_emails:
            raise ValidationError(_l("Another staff account uses this e-mail."))

    @property
    def country_codes(self) -> str:
        return ",".join(code.strip().upper() for code in (self.countries.data or "").split(",") if code.strip())


def _strong_enough(form, field):
    refused = passwords.problem(field.data or "", *form.personal_words)
    if refused:
        raise ValidationError(refused)


class SetPasswordForm(StaffForm):
    """A new password: at least 12 characters, and not a common or guessable one."""

    new = PasswordField(_l("New password"), [DataRequired(message=REQUIRED), _strong_enough],
                        description=_l("At least 12 characters. A few unrelated words are easy to remember "
                                       "and hard to guess."))
    confirm = PasswordField(_l("New password again"), [
        DataRequired(message=REQUIRED),
        EqualTo("new", message=_l("The two new passwords differ.")),
    ])


    def __init__(self, *personal_words: str, **kwargs):
        super().__init__(**kwargs)
        self.personal_words = personal_words


class PasswordForm(SetPasswordForm):
    current = PasswordField(_l("Current password"), [DataRequired(message=REQUIRED)])
