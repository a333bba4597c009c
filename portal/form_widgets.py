"""Menus written once and reused: WTForms formats every option of a ``<select>`` again on each
page, which is most of the time a list's filter form takes. What a reader gets is exactly what
WTForms' ``Select`` writes (``tests/test_form_widgets.py``)."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape
from wtforms.fields.choices import Choice
from wtforms.widgets import Select, html_params


def select_around(field, options: str, **kwargs) -> Markup:
    """``field``'s ``<select>`` around ``options``, written with none chosen: the option of the
    field's value is marked chosen, as WTForms' ``Select`` marks it."""
    kwargs.setdefault("id", field.id)
    for name in Select.validation_attrs:
        if name not in kwargs and getattr(field.flags, name, False):
            kwargs[name] = getattr(field.flags, name)
    if isinstance(field.data, str):
        plain = f'<option value="{escape(field.data)}">'
        options = options.replace(plain, plain.replace("<option ", "<option selected ", 1))
    return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")


def _label_key(label) -> object:
    """What a label says in every language: itself, or for a lazy translation its message."""
    if isinstance(label, LazyString):
        return label._func, label._args, tuple(sorted(label._kwargs.items()))
    return str(label)


class RememberedSelect(Select):
    """A single-choice menu (``SelectChoice`` choices, without option groups or per-option
    attributes) whose options are written once per locale and per list of choices, then reused:
    a stage, officer or sector added or renamed is a new list, so a new menu, in every process.
    Only the chosen option is marked on each page."""

    #: Menus kept per field: a few languages times the few lists the data goes through.
    KEPT = 32

    def __init__(self):
        super().__init__()
        self._menus: dict[tuple, str] = {}

    def __call__(self, field, **kwargs):
        choices = field.choices or ()
        key = (str(get_locale()), tuple((choice.value, _label_key(choice.label)) for choice in choices))
        options = self._menus.get(key)
        if options is None:
            options = "".join(Select.render_option(Choice(choice.value, choice.label, False, choice.render_kw))
                              for choice in choices)
            if len(self._menus) >= self.KEPT:  # the oldest goes (another thread may have taken it)
                self._menus.pop(next(iter(self._menus), None), None)
            self._menus[key] = options
        return select_around(field, options, **kwargs)
