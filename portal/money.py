"""Money: amounts as staff and investors type them (millions of US dollars), and every amount the
portal shows, in the units each language's readers count in.

One formatter for cards, detail pages, tables, prose, e-mails, CSV labels, cost estimates and site
finder messages: ``format_usd`` / ``format_vnd`` (``compact`` on cards and tables, full elsewhere)
and ``format_usd_range`` / ``format_vnd_range``. Vietnamese counts in triệu and tỷ ("800 triệu USD",
"12.500 tỷ đồng": the press writes thousands of tỷ rather than "nghìn tỷ"); Korean in 만, 억, 조
("8억 달러", "US$9,500만"); Japanese in 万, 億, 兆 ("8億米ドル"); English in million, billion,
trillion ("US$800 million", "US$800M" on cards).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import numbers

MILLION = Decimal(1_000_000)
#: The largest investment or capital typed in a form, in USD million (USD 100 billion).
LARGEST_MILLIONS = 100_000


def usd_from_millions(millions: Decimal | float | int | None) -> int | None:
    """USD 2.5 million typed in a form, as the whole dollars stored (2,500,000)."""
    return None if millions is None else int(Decimal(str(millions)) * MILLION)


def millions_from_usd(usd: int | None) -> Decimal | None:
    """A stored amount in whole dollars, as millions for a form field."""
    return None if usd is None else Decimal(usd) / MILLION


@dataclass(frozen=True)
class Style:
    """How one language writes one currency in one form.

    ``units``: the counting units, largest first, each a step and how a number takes it ("{}억").
    ``amount``: where the currency goes, around a number with a unit and around a bare number
    (Korean spaces "8억 달러" but not "500달러"). ``shared_unit``: a range says the unit once
    ("2–3 triệu USD") rather than on both bounds ("2억~3억 달러"). ``cents``: bare amounts show two
    decimals when they have any (US$4.40); otherwise decimals are trimmed (4,4 USD).
    ``significant``: figures kept with a unit; more are shown when the whole part is longer.
    """

    units: tuple[tuple[int, str], ...]
    amount: tuple[str, str]
    range_sep: str
    shared_unit: bool = False
    cents: bool = False
    significant: int = 3


_VI_UNITS = ((10**9, "{} tỷ"), (10**6, "{} triệu"))
_EN_WORDS = ((10**12, "{} trillion"), (10**9, "{} billion"), (10**6, "{} million"))
_EN_LETTERS = ((10**12, "{}T"), (10**9, "{}B"), (10**6, "{}M"))
_KO_UNITS = ((10**12, "{}조"), (10**8, "{}억"), (10**4, "{}만"))
_JA_UNITS = ((10**12, "{}兆"), (10**8, "{}億"), (10**4, "{}万"))

#: (currency, language, compact) → style. Vietnamese and Japanese write cards as detail pages do.
STYLES: dict[tuple[str, str, bool], Style] = {
    ("USD", "vi", False): Style(_VI_UNITS, ("{} USD", "{} USD"), "–", shared_unit=True, significant=4),
    ("USD", "vi", True): Style(_VI_UNITS, ("{} USD", "{} USD"), "–", shared_unit=True),
    ("USD", "en", False): Style(_EN_WORDS, ("US${}", "US${}"), "–", shared_unit=True, cents=True, significant=4),
    ("USD", "en", True): Style(_EN_LETTERS, ("US${}", "US${}"), "–", shared_unit=True, cents=True),
    ("USD", "ko", False): Style(_KO_UNITS, ("{} 달러", "{}달러"), "~"),
    ("USD", "ko", True): Style(_KO_UNITS, ("US${}", "US${}"), "~"),
    ("USD", "ja", False): Style(_JA_UNITS, ("{}米ドル", "{}米ドル"), "～"),
    ("USD", "ja", True): Style(_JA_UNITS, ("{}米ドル", "{}米ドル"), "～"),
    ("VND", "vi", False): Style(_VI_UNITS, ("{} đồng", "{} đồng"), "–", shared_unit=True),
    ("VND", "en", False): Style(_EN_WORDS, ("VND {}", "VND {}"), "–", shared_unit=True),
    ("VND", "ko", False): Style(_KO_UNITS, ("{} 동", "{}동"), "~"),
    ("VND", "ja", False): Style(_JA_UNITS, ("{}ドン", "{}ドン"), "～"),
}


def _style(currency: str, lang: str, compact: bool, exact: bool = False) -> Style:
    lang = lang if (currency, lang, False) in STYLES else "en"
    style = STYLES.get((currency, lang, compact)) or STYLES[(currency, lang, False)]
    return replace(style, units=()) if exact else style


def _number(value: Decimal, decimals: int, lang: str, pad: bool = False) -> str:
    places = "0" * decimals if pad else "#" * decimals
    return numbers.format_decimal(value, format="#,##0" + ("." + places if decimals else ""), locale=lang,
                                  decimal_quantization=True)


def _rounded(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class _Parts:
    number: str
    unit: str  # "{} triệu", or "{}" for a bare amount


def _parts(value: Decimal, style: Style, lang: str, cents: bool | None = None) -> _Parts:
    """The number in the largest unit it reaches, rounded to the style's figures: 999,999,999 is
    "1 tỷ", not "1.000 triệu"."""
    for index, (step, unit) in enumerate(style.units):
        if value < step:
            continue
        leading = value / step
        decimals = max(0, style.significant - len(str(int(leading))))
        shown = _rounded(leading, decimals)
        if index and shown * step >= style.units[index - 1][0]:
            step, unit = style.units[index - 1]
            decimals = max(0, style.significant - len(str(int(value / step))))
            shown = _rounded(value / step, decimals)
        return _Parts(_number(shown, decimals, lang), unit)
    has_cents = value != int(value) if cents is None else cents
    if style.cents:
        return _Parts(_number(value, 2 if has_cents else 0, lang, pad=True), "{}")
    return _Parts(_number(_rounded(value, 2), 2 if has_cents else 0, lang), "{}")


def _check(value) -> Decimal:
    amount = Decimal(str(value))
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"an amount of money is never negative: {value}")
    return amount


def _wrap(style: Style, unit: str, text: str) -> str:
    return (style.amount[1] if unit == "{}" else style.amount[0]).format(text)


@lru_cache(maxsize=8192)
def _format(value: Decimal, currency: str, lang: str, compact: bool, exact: bool = False) -> str:
    style = _style(currency, lang, compact, exact)
    parts = _parts(value, style, lang)
    return _wrap(style, parts.unit, parts.unit.format(parts.number))


def _format_range(low: Decimal, high: Decimal, currency: str, lang: str, compact: bool, exact: bool) -> str:
    style = _style(currency, lang, compact, exact)
    cents = None if not style.cents else (low != int(low) or high != int(high))
    first, second = _parts(low, style, lang, cents), _parts(high, style, lang, cents)
    if first.unit == second.unit:
        low_text = first.number if style.shared_unit else first.unit.format(first.number)
        return _wrap(style, second.unit, low_text + style.range_sep + second.unit.format(second.number))
    inner = " – " if style.range_sep == "–" else style.range_sep
    if style.shared_unit:
        return _wrap(style, second.unit, first.unit.format(first.number) + inner + second.unit.format(second.number))
    return _wrap(style, first.unit, first.unit.format(first.number)) + inner + _wrap(style, second.unit,
                                                                                    second.unit.format(second.number))


def _language() -> str:
    from portal.i18n import locale_code  # the request's language; i18n registers these filters

    return locale_code()


def format_usd(value, compact: bool = False, lang: str | None = None, exact: bool = False) -> str:
    """US dollars as the reader counts them: "800 triệu USD", "US$800 million" ("US$800M" with
    ``compact``), "8억 달러" ("US$8억"), "8億米ドル"; ``exact`` writes every digit where a figure
    is already rounded as it should be read (cost estimates: "36.194.000 USD", "US$36,194,000").
    ``None`` is an empty string; a negative amount is an error (no amount the portal keeps is negative)."""
    if value is None:
        return ""
    return _format(_check(value), "USD", lang or _language(), compact, exact)


def format_vnd(value, compact: bool = False, lang: str | None = None) -> str:
    """Đồng: "12.500 tỷ đồng", "VND 12.5 trillion", "12.5조 동", "12.5兆ドン"."""
    if value is None:
        return ""
    return _format(_check(value), "VND", lang or _language(), compact)


def _range(low, high, currency: str, compact: bool, lang: str | None, exact: bool = False) -> str:
    if low is None and high is None:
        return ""
    if low is None or high is None or Decimal(str(low)) == Decimal(str(high)):
        single = low if low is not None else high
        return _format(_check(single), currency, lang or _language(), compact, exact)
    low, high = sorted((_check(low), _check(high)))
    return _format_range(low, high, currency, lang or _language(), compact, exact)


def format_usd_range(low, high, compact: bool = False, lang: str | None = None, exact: bool = False) -> str:
    """"90–120 USD", "US$90–120", "90~120달러", "90～120米ドル"; one bound alone when the other is
    missing or equal."""
    return _range(low, high, "USD", compact, lang, exact)


def format_vnd_range(low, high, compact: bool = False, lang: str | None = None) -> str:
    return _range(low, high, "VND", compact, lang)
