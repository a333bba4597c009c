"""The rules that make hostile input harmless (``portal/clean_input.py``), and that every form
follows them."""
import importlib
import pkgutil

import pytest
from wtforms import DecimalField, FloatField, Form, IntegerField
from wtforms.fields.core import UnboundField
from wtforms.validators import NumberRange

import portal
from portal.clean_input import CleanInput, clean_line, clean_text, whole_number
from portal.leads.rules.tags import parse_tags, tag_key


@pytest.mark.parametrize(("typed", "line", "text"), [
    ("Hanbit\x00 Electronics", "Hanbit Electronics", "Hanbit Electronics"),
    ("Bad\x0bCo", "Bad Co", "BadCo"),
    ("Line one\r\nLine\ttwo", "Line one Line two", "Line one\r\nLine\ttwo"),
    ("\x1b[31mred\x7f\x85\x9f", "[31mred ", "[31mred"),
    ("Điện tử 반도체 半導体", "Điện tử 반도체 半導体", "Điện tử 반도체 半導体"),
    (None, None, None),
])
def test_a_line_keeps_no_control_character_and_a_text_keeps_its_lines(typed, line, text):
    assert clean_line(typed) == line
    assert clean_text(typed) == text


@pytest.mark.parametrize(("typed", "number"), [
    ("3", 3), (" 12 ", 12), ("+4", 4), (str(2**63), 2**63), ("-1", None), ("1e3", None), ("2.5", None),
    ("NaN", None), ("١٢", None), ("1_000", None), ("9" * 31, None), ("", None), (None, None),
])
def test_a_whole_number_in_a_query_string_is_plain_ascii_digits(typed, number):
    assert whole_number(typed) == number


def test_a_tag_s_key_folds_case_and_unicode_forms():
    assert tag_key("ĐIỆN TỬ") == tag_key("Điện tử") == tag_key("điện tử")
    assert tag_key("Ｋorea Desk") == tag_key("korea desk")
    assert tag_key("Die\u0301n") == tag_key("Dién")  # decomposed as typed on a Mac, composed elsewhere
    assert parse_tags("Điện tử, ĐIỆN TỬ, điện tử") == ["Điện tử"]


def portal_forms() -> list[type[Form]]:
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        importlib.import_module(module.name)
    found, todo = [], [Form]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            if subclass.__module__.startswith("portal."):
                found.append(subclass)
    return found


def number_fields(form: type[Form]):
    for name in dir(form):
        field = getattr(form, name)
        if isinstance(field, UnboundField) and issubclass(field.field_class, (DecimalField, FloatField, IntegerField)):
            yield name, [*field.args[1:2], field.kwargs.get("validators", [])][0]


def test_every_form_cleans_its_input_and_every_number_has_a_range():
    """Every form's meta is the portal's (control characters out, NaN and absurd numbers refused),
    and every number field says how large it may be: no column overflows."""
    forms = portal_forms()
    assert len(forms) > 30
    for form in forms:
        metas = [klass.__dict__["Meta"] for klass in form.__mro__ if "Meta" in klass.__dict__]
        assert any(issubclass(meta, CleanInput) for meta in metas), form
        for name, validators in number_fields(form):
            assert any(isinstance(v, NumberRange) and v.max is not None for v in validators), f"{form.__name__}.{name}"
