"""Countries and territories by ISO 3166 code, named in the reader's language (Babel's CLDR data)."""
from __future__ import annotations

from functools import lru_cache

from babel import Locale

from portal.search_text import fold

#: CLDR codes that are not countries a person lives in.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


@lru_cache(maxsize=8)
def countries(lang: str) -> tuple[tuple[str, str], ...]:
    """(code, name) pairs in the reader's alphabetical order."""
    names = Locale.parse(lang).territories
    pairs = [(code, name) for code, name in names.items()
             if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES]
    return tuple(sorted(pairs, key=lambda pair: fold(pair[1])))


@lru_cache(maxsize=2048)
def country_name(code: str, lang: str) -> str:
    return Locale.parse(lang).territories.get(code, code) if code else ""
