"""GET forms that read a list's filters from the query string, so a search can be shared."""
from __future__ import annotations

from wtforms import BooleanField, Form, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from portal.form_messages import PortalMeta, in_range


class QueryForm(Form):
    """Reads the query string; an invalid filter is reported beside its field and ignored."""

    Meta = PortalMeta

    #: Fields that narrow the results (everything but sorting).
    filter_fields: tuple[str, ...] = ()
    #: A page explains an upper limit below the lower one and leaves it out; the API takes the
    #: range as asked (it matches nothing), as its description says.
    refuses_reversed_ranges = True

    def value(self, name: str):
        field = self[name]
        return None if field.errors else field.data

    def active_filters(self) -> list[tuple[str, str, str]]:
        """(field name, label, value as shown) of each valid filter the visitor set."""
        active = []
        for name in self.filter_fields:
            field, value = self[name], self.value(name)
            if value in (None, "", False):
                continue
            if isinstance(field, SelectField):
                value = next(choice.label for choice in field.choices if choice.value == value)
            elif isinstance(field, BooleanField):
                value = ""
            active.append((name, str(field.label.text), str(value)))
        return active


#: The largest number a list's filter takes (USD million, hectares, USD per m²): beyond any item.
FILTER_MAXIMUM = 1_000_000


def filter_range():
    """A numeric filter: from 0 to ``FILTER_MAXIMUM``."""
    return in_range(0, FILTER_MAXIMUM)


def not_below(other: str, message: str):
    def check(form, field):
        low = form[other].data
        if not form.refuses_reversed_ranges or form[other].errors:
            return
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(message)

    return check


def choices_of(items: list, lang: str, everything: str) -> list[SelectChoice]:
    return [SelectChoice("", everything)] + [SelectChoice(item.code, item.name(lang)) for item in items]
