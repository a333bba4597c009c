"""Staff login and account forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from portal.form_messages import TranslatedMessages
from portal.i18n import LANGUAGE_NAMES, LANGUAGES

REQUIRED = _l("Please fill in this field.")


class StaffForm(FlaskForm):
    class Meta(TranslatedMessages):
        pass


class LoginForm(StaffForm):
    email = EmailField(_l("E-mail"), [DataRequired(message=REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), [DataRequired(message=REQUIRED), Length(max=200)])


class LanguageForm(StaffForm):
    language = SelectField(
        _l("Language of the back office"),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code], render_kw={"lang": code}) for code in LANGUAGES],
    )


class PasswordForm(StaffForm):
    current = PasswordField(_l("Current password"), [DataRequired(message=REQUIRED)])
    new = PasswordField(_l("New password"), [
        DataRequired(message=REQUIRED),
        Length(min=10, max=200, message=_l("Use at least %(min)d characters.")),
    ])
    confirm = PasswordField(_l("New password again"), [
        DataRequired(message=REQUIRED),
        EqualTo("new", message=_l("The two new passwords differ.")),
    ])
