"""WTForms' built-in messages, answered from the portal's own catalogues.

WTForms ships no Vietnamese catalogue, so every form's ``Meta`` is a ``FormMeta``
and its messages go through Flask-Babel like every other string. The list below exists so that ``pybabel
extract`` puts WTForms' messages into ``messages.pot``.
"""
from flask_babel import get_translations, lazy_gettext as _l, ngettext
from wtforms.meta import DefaultMeta
from wtforms.validators import NumberRange, ValidationError

from portal.clean_input import CleanInput
from portal.i18n import format_number

WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Not a valid decimal value."),
    _l("Not a valid integer value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid time value."),
    _l("Invalid email address."),
    _l("Invalid input."),
)



def _plural_messages_for_extraction():
    """Never called: lists WTForms' plural messages for ``pybabel extract``."""
    ngettext("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field.", 1)


#: The portal's own field messages, one wording everywhere.
REQUIRED = _l("Please fill in this field.")
BAD_EMAIL = _l("Please enter a valid e-mail address, such as name@company.com.")
OUT_OF_RANGE = _l("Enter a number from %(min)s to %(max)s.")
#: The last position of an item in a list staff order by hand (sectors, stages, key figures).
MAX_POSITION = 10_000


class _InRange(NumberRange):
    """NumberRange whose message writes the bounds as the reader's language does ("0,1" and
    "5.000" in Vietnamese, "100,000" in English), not as Python prints them."""

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except ValidationError:
            raise ValidationError(self.message % {"min": format_number(self.min, 2),
                                                  "max": format_number(self.max, 2)}) from None


def in_range(minimum, maximum) -> NumberRange:
    """A number's range, said the portal's way: every number a form keeps has an upper bound
    that its column holds."""
    return _InRange(min=minimum, max=maximum, message=OUT_OF_RANGE)


class _BabelTranslations:
    """WTForms formats the messages itself, so hand back the raw translation."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


class TranslatedMessages:
    """Form ``Meta`` mixin: WTForms' own messages come from the portal's catalogues."""

    def get_translations(self, form):
        return _BabelTranslations()


class FormMeta(CleanInput, TranslatedMessages):
    """Every portal form's ``Meta``: messages from the portal's catalogues, and hostile input
    (control characters, NaN, absurd numbers and dates) stopped at the field."""


class PortalMeta(FormMeta, DefaultMeta):
    """For GET forms (filters): no CSRF token, nothing changes."""

    csrf = False
