"""Hostile input made harmless before it reaches the database or a file.

- Every form's text is cleaned of control characters (``CleanInput``, in the forms' shared meta):
  a single line keeps none, a text area keeps its line breaks and tabs.
- Every form's number must be an ordinary one: NaN, Infinity and numbers no column can hold are
  refused beside the field, and what was typed stays in the form. Each field also states its own
  range (``NumberRange``), within what its column holds.
- Every form's date lies between 1900 and 2999, so date arithmetic (the end of a Vietnam day in
  UTC) never leaves what Python's dates can hold.
- Page numbers in the query string are bounded (``page_number``, ``whole_number``).
- A NUL byte is never part of an address: PostgreSQL cannot store or compare it, so a request
  with one in its path, query string or cookies is refused (``refuse_nul_bytes``); form fields
  lose it with the other control characters.
"""
from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal

from flask import Flask, abort, request
from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, FloatField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import StopValidation

#: C0 and C1 control characters and DEL (Unicode category Cc).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The same, less the line breaks and tab a text area keeps.
CONTROL_CHARACTERS_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Control characters that separate words: a single line gets a space instead.
SPACING_CONTROLS = re.compile(r"[\t\n\x0b\x0c\r\x85]+")

#: Larger than any amount, area, price or count the portal keeps, in any unit it uses (a VND
#: figure included), and within every numeric column; each field states its own narrower range.
LARGEST_NUMBER = Decimal(10) ** 15
#: The calendar a form's date must fall in.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
#: The last page a list shows: beyond it a page's offset could overflow a database integer.
MAX_PAGE = 10_000

NOT_A_NUMBER = _l("Enter a number, such as 12.5.")
TOO_LARGE = _l("This number is too large.")
DATE_OUT_OF_RANGE = _l("Enter a date between the years %(first)s and %(last)s.")


# --- text ------------------------------------------------------------------------------


def clean_line(value):
    """One line of text without control characters; line breaks and tabs become a space."""
    if not isinstance(value, str):
        return value
    return CONTROL_CHARACTERS.sub("", SPACING_CONTROLS.sub(" ", value))


def clean_text(value):
    """Several lines of text without control characters other than line breaks and tabs."""
    if not isinstance(value, str):
        return value
    return CONTROL_CHARACTERS_BUT_LINES.sub("", value)


# --- numbers and dates in forms ----------------------------------------------------------


def ordinary_number(form, field):
    """Refuses NaN, sNaN, Infinity and numbers no column holds before any other check compares
    them (``NumberRange`` and ``<`` raise on a signalling NaN). Text that is no number at all
    keeps WTForms' own message, alone; an empty field is left to ``Optional`` or a required check."""
    if field.process_errors:
        if not (field.raw_data and field.raw_data[0].strip()):
            return
        raise StopValidation()
    value = field.data
    if value is None:
        return
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite:
        raise StopValidation(NOT_A_NUMBER)
    if abs(value) > LARGEST_NUMBER:
        raise StopValidation(TOO_LARGE)


def ordinary_date(form, field):
    """Refuses dates outside 1900–2999: a Vietnam day's start in UTC must stay a valid date."""
    if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
        raise StopValidation(DATE_OUT_OF_RANGE % {"first": FIRST_DAY.year, "last": LAST_DAY.year})


def cleaned(field):
    """A bound field with the portal's input rules added in front of its own."""
    if isinstance(field, PasswordField):
        return field  # hashed, never stored or shown: the characters typed are the password
    if isinstance(field, TextAreaField):
        field.filters = (clean_text, *field.filters)
    elif isinstance(field, StringField):
        field.filters = (clean_line, *field.filters)
    elif isinstance(field, (DecimalField, FloatField, IntegerField)):
        field.validators = [ordinary_number, *field.validators]
    elif isinstance(field, DateField):
        field.validators = [ordinary_date, *field.validators]
    return field


class CleanInput:
    """Form ``Meta`` mixin: every field of every form gets the rules above."""

    def bind_field(self, form, unbound_field, options):
        return cleaned(super().bind_field(form, unbound_field, options))


# --- the query string ---------------------------------------------------------------------

WHOLE_NUMBER = re.compile(r"\s*\+?([0-9]{1,30})\s*", re.ASCII)


def whole_number(text: str | None) -> int | None:
    """A query parameter as a whole number of 0 or more, or None when it is not one ("1e3",
    "NaN", "2.5", "-1", Arabic-Indic digits, thousands of digits)."""
    match = WHOLE_NUMBER.fullmatch(text or "")
    return int(match.group(1)) if match else None


def page_number(name: str = "page") -> int:
    """The page of a list asked for in the query string: 1 when missing or not a number, at most
    ``MAX_PAGE`` (a page past the end is shown empty)."""
    number = whole_number(request.args.get(name))
    return 1 if number is None else min(max(number, 1), MAX_PAGE)


# --- the request as a whole --------------------------------------------------------------------


def _texts_of_address():
    """The path, query string and cookies; never the body, which is parsed later, within each
    view's own size limit (uploads lift it)."""
    yield request.path
    for values in (request.args, request.cookies):
        for key, value in values.items(multi=True):
            yield key
            yield value


def refuse_nul_bytes():
    """A NUL byte is never typed by a person, and PostgreSQL cannot compare or store it: a request
    with one in its address or cookies is refused before any view looks a slug or code up."""
    if any("\x00" in text for text in _texts_of_address()):
        abort(400)


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)
