"""Tags typed by staff in one field (``portal.leads.rules.tags``)."""
import pytest

from portal.leads.rules.tags import parse_tags


@pytest.mark.parametrize(("text", "tags"), [
    ("Korea, EV, batteries", ["Korea", "EV", "batteries"]),
    ("Korea，EV，batteries", ["Korea", "EV", "batteries"]),
    ("韓国、EV、電池", ["韓国", "EV", "電池"]),
    ("Korea; EV; batteries", ["Korea", "EV", "batteries"]),
    ("Korea, EV;batteries", ["Korea", "EV", "batteries"]),
    ("Korea，EV、batteries;site visit, VIP", ["Korea", "EV", "batteries", "site visit", "VIP"]),
], ids=["commas", "fullwidth commas", "ideographic commas", "semicolons", "comma and semicolon", "all mixed"])
def test_separators(text, tags):
    assert parse_tags(text) == tags


def test_single_tag():
    assert parse_tags("VIP") == ["VIP"]


def test_spaces_are_tidied():
    assert parse_tags("  site   visit ,\tEV  ") == ["site visit", "EV"]


def test_empty_parts_are_dropped():
    assert parse_tags("Korea,, ;EV,") == ["Korea", "EV"]


def test_repeat_in_another_case_is_kept_once_in_first_spelling():
    assert parse_tags("Korea, KOREA, korea, EV") == ["Korea", "EV"]


def test_order_of_first_appearance_is_kept():
    assert parse_tags("zeta, Alpha, zeta, beta") == ["zeta", "Alpha", "beta"]


def test_spacing_differences_make_a_repeat():
    assert parse_tags("site visit, Site   Visit") == ["site visit"]


@pytest.mark.parametrize("text", ["", "   ", ", ; ，、", None])
def test_nothing_typed_gives_no_tags(text):
    assert parse_tags(text) == []
