"""The unmatched list's actions."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from portal.auth.forms import StaffForm
from portal.form_messages import REQUIRED


class AttachForm(StaffForm):
    reference = StringField(_l("Lead reference"), [DataRequired(message=REQUIRED), Length(max=20)],
                            filters=[lambda value: value.strip().upper() if value else value])


class DiscardForm(StaffForm):
    pass
