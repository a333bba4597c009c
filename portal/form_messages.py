"""WTForms' built-in messages, answered from the portal's own catalogues.

WTForms ships no Vietnamese catalogue, so every form's ``Meta`` uses ``TranslatedMessages``
and its messages go through Flask-Babel like every other string. The list below exists so that ``pybabel
extract`` puts WTForms' messages into ``messages.pot``.
"""
from flask_babel import get_translations, lazy_gettext as _l, ngettext
from wtforms.meta import DefaultMeta

WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Not a valid decimal value."),
    _l("Not a valid integer value."),
    _l("Not a valid date value."),
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


class PortalMeta(TranslatedMessages, DefaultMeta):
    """For GET forms (filters): no CSRF token, nothing changes."""

    csrf = False
