"""WTForms' built-in messages, answered from the portal's own catalogues.

WTForms ships no Vietnamese catalogue, so every form uses ``PortalMeta`` and its messages go
through Flask-Babel like every other string. The list below exists so that ``pybabel
extract`` puts WTForms' messages into ``messages.pot``.
"""
from flask_babel import gettext, lazy_gettext as _l, ngettext
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


class _BabelTranslations:
    def gettext(self, string: str) -> str:
        return gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n)


class PortalMeta(DefaultMeta):
    csrf = False

    def get_translations(self, form):
        return _BabelTranslations()
