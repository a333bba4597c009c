"""Money as a native reader of each language writes it: the one formatter, on every kind of page."""
from decimal import Decimal

import pytest

from portal.money import format_usd, format_usd_range, format_vnd, format_vnd_range

D = Decimal

#: (amount in USD, language, compact?) → what a reader of that language writes.
USD = [
    (800_000_000, "vi", False, "800 triệu USD"),
    (800_000_000, "vi", True, "800 triệu USD"),
    (800_000_000, "en", False, "US$800 million"),
    (800_000_000, "en", True, "US$800M"),
    (800_000_000, "ko", False, "8억 달러"),
    (800_000_000, "ko", True, "US$8억"),
    (800_000_000, "ja", False, "8億米ドル"),
    (800_000_000, "ja", True, "8億米ドル"),
    (40_000_000_000, "vi", True, "40 tỷ USD"),
    (40_000_000_000, "en", False, "US$40 billion"),
    (40_000_000_000, "ko", True, "US$400억"),
    (40_000_000_000, "ja", False, "400億米ドル"),
    (95_000_000, "ko", True, "US$9,500만"),
    (95_000_000, "ko", False, "9,500만 달러"),
    (95_000_000, "ja", True, "9,500万米ドル"),
    (2_500_000, "vi", True, "2,5 triệu USD"),
    (2_500_000, "en", True, "US$2.5M"),
    (2_500_000, "ko", True, "US$250만"),
    # rounding: three figures on cards, four on detail pages; never "1.000 triệu" or "1,000M"
    (123_456_789, "en", True, "US$123M"),
    (123_456_789, "en", False, "US$123.5 million"),
    (123_456_789, "vi", False, "123,5 triệu USD"),
    (123_456_789, "ko", True, "US$1.23억"),
    (999_999_999, "vi", True, "1 tỷ USD"),
    (999_999_999, "en", True, "US$1B"),
    (999_960_000, "ko", True, "US$10억"),
    (999_960_000, "ja", False, "10億米ドル"),
    # small amounts (fees per m²) and zero
    (500_000, "vi", False, "500.000 USD"),
    (500_000, "en", True, "US$500,000"),
    (500_000, "ko", True, "US$50만"),
    (500_000, "ja", False, "50万米ドル"),
    (D("4.4"), "vi", False, "4,4 USD"),
    (D("4.4"), "en", False, "US$4.40"),
    (D("4.4"), "ko", False, "4.4달러"),
    (D("4.4"), "ja", False, "4.4米ドル"),
    (0, "vi", False, "0 USD"),
    (0, "en", True, "US$0"),
    (0, "ko", False, "0달러"),
    (0, "ja", True, "0米ドル"),
]


@pytest.mark.parametrize("amount, lang, compact, expected", USD)
def test_dollars_read_as_each_language_counts_them(amount, lang, compact, expected):
    assert format_usd(amount, compact=compact, lang=lang) == expected


VND = [
    (12_500_000_000_000, "vi", "12.500 tỷ đồng"),  # the press counts thousands of tỷ, not "nghìn tỷ"
    (12_500_000_000_000, "en", "VND 12.5 trillion"),
    (12_500_000_000_000, "ko", "12.5조 동"),
    (12_500_000_000_000, "ja", "12.5兆ドン"),
    (2_540_000_000, "vi", "2,54 tỷ đồng"),
    (25_000_000, "vi", "25 triệu đồng"),
    (25_000_000, "ko", "2,500만 동"),
    (25_000_000, "ja", "2,500万ドン"),
    (25_400, "vi", "25.400 đồng"),
]


@pytest.mark.parametrize("amount, lang, expected", VND)
def test_dong_read_as_each_language_counts_them(amount, lang, expected):
    assert format_vnd(amount, lang=lang) == expected


RANGES = [
    (D(90), D(120), "vi", False, "90–120 USD"),
    (D(90), D(120), "en", False, "US$90–120"),
    (D(90), D(120), "ko", False, "90~120달러"),
    (D(90), D(120), "ja", False, "90～120米ドル"),
    (D("4.4"), D(5), "en", False, "US$4.40–5.00"),
    (D("4.4"), D(5), "vi", False, "4,4–5 USD"),
    (200_000_000, 300_000_000, "vi", False, "200–300 triệu USD"),
    (200_000_000, 300_000_000, "en", True, "US$200–300M"),
    (200_000_000, 300_000_000, "ko", False, "2억~3억 달러"),
    (200_000_000, 300_000_000, "ja", True, "2億～3億米ドル"),
    (800_000_000, 1_200_000_000, "vi", False, "800 triệu – 1,2 tỷ USD"),
    (800_000_000, 1_200_000_000, "en", True, "US$800M – 1.2B"),
    (800_000_000, 1_200_000_000, "ko", True, "US$8억~12억"),
    (1_200_000_000, 800_000_000, "ja", False, "8億～12億米ドル"),  # bounds given the wrong way round
    (D(120), D(120), "en", False, "US$120"),
    (None, D(120), "vi", False, "120 USD"),
    (None, None, "ko", False, ""),
]


@pytest.mark.parametrize("low, high, lang, compact, expected", RANGES)
def test_a_range_says_its_unit_once_or_on_each_bound_as_the_language_does(low, high, lang, compact, expected):
    assert format_usd_range(low, high, compact=compact, lang=lang) == expected


def test_a_range_of_dong():
    assert format_vnd_range(3_000_000_000, 3_600_000_000, lang="vi") == "3–3,6 tỷ đồng"
    assert format_vnd_range(3_000_000_000, 3_600_000_000, lang="ko") == "30억~36억 동"


@pytest.mark.parametrize("amount", [-1, D("-0.5"), D("NaN")])
def test_a_negative_amount_is_an_error_not_a_figure(amount):
    with pytest.raises(ValueError):
        format_usd(amount, lang="en")


def test_nothing_shows_as_nothing():
    assert format_usd(None, lang="en") == "" and format_vnd(None, lang="vi") == ""


@pytest.mark.parametrize("lang, old", [("vi", "Tr"), ("vi", "US$"), ("en", "$800M"), ("ko", "US$9500만"),
                                       ("ja", "$"), ("ko", "₫"), ("vi", "NT")])
def test_the_old_forms_do_not_come_back(lang, old):
    shown = " ".join(format_usd(v, compact=c, lang=lang) for v in (800_000_000, 95_000_000) for c in (True, False))
    shown += " " + format_vnd(12_500_000_000_000, lang=lang)
    if old == "$800M":
        assert "US$800M" in shown and " $800M" not in f" {shown}"
    else:
        assert old not in shown


def test_the_request_language_is_used_in_templates(client):
    """Pages use the filter: a Korean card reads US$…억, not the old "$" or "US$9500만"."""
    from flask import render_template_string

    with client.application.test_request_context("/ko/"):
        from flask import g

        g.lang = "ko"
        shown = render_template_string("{{ 95000000|usd(compact=True) }} · {{ 95000000|usd }} · {{ 90|usd_range(120) }}")
    assert shown == "US$9,500만 · 9,500만 달러 · 90~120달러"



@pytest.mark.parametrize("lang, single, ranged", [
    ("vi", "36.194.000 USD", "36.194.000–45.194.000 USD"),
    ("en", "US$36,194,000", "US$36,194,000–45,194,000"),
    ("ko", "36,194,000달러", "36,194,000~45,194,000달러"),
    ("ja", "36,194,000米ドル", "36,194,000～45,194,000米ドル"),
])
def test_an_estimate_already_rounded_keeps_every_digit(lang, single, ranged):
    assert format_usd(36_194_000, exact=True, lang=lang) == single
    assert format_usd_range(36_194_000, 45_194_000, exact=True, lang=lang) == ranged
