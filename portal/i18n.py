"""Languages: the language in the URL, negotiation for ``/``, and locale-aware formatting.

Every public URL starts with ``/<lang>/``; the ``lang`` converter only matches the four
portal languages, so any other prefix is a plain 404.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from babel import Locale, numbers, units
from babel.lists import format_list
from flask import Flask, current_app, g, request, url_for
from flask_babel import get_locale, gettext
from werkzeug.routing import BaseConverter

from portal.dates import format_age, format_day, format_moment
from portal.links import external_url
from portal.money import format_usd, format_usd_range, format_vnd, format_vnd_range

LANGUAGES: tuple[str, ...] = ("vi", "en", "ko", "ja")
DEFAULT_LANGUAGE = "en"
#: When a text is missing in the reader's language, show the first of these that exists.
CONTENT_FALLBACK: tuple[str, ...] = ("en", "vi")
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English", "ko": "한국어", "ja": "日本語"}
LANGUAGE_COOKIE = "lang"


class LanguageConverter(BaseConverter):
    regex = "|".join(LANGUAGES)


def negotiate_language() -> str:
    """The remembered choice, else the best Accept-Language match, else English."""
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


def remember_choice(response, lang: str):
    """Keep the visitor's chosen language for ``/``. Set only when they choose, so the pages
    themselves send no cookie and any cache may keep them."""
    response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                        secure=current_app.config["LANGUAGE_COOKIE_SECURE"])
    return response


def chosen_page(target: str | None, lang: str) -> str | None:
    """``target`` if it is a page of this portal in ``lang`` (``/ko/parks/?...``), never another site."""
    if not target or "\\" in target or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(f"/{lang}/"):
        return None
    return target


def current_language() -> str:
    return g.get("lang") or DEFAULT_LANGUAGE


def select_locale() -> str:
    """Babel's locale selector: the URL's language, else what the visitor asked for."""
    if "lang" in g:
        return g.lang
    if request:
        return negotiate_language()
    return DEFAULT_LANGUAGE


def init_app(app: Flask) -> None:
    app.url_map.converters["lang"] = LanguageConverter

    @app.url_value_preprocessor
    def take_language_from_url(endpoint: str | None, values: dict | None) -> None:
        if values and "lang" in values:
            g.lang = values.pop("lang")
            g.lang_in_url = True

    @app.url_defaults
    def add_language_to_url(endpoint: str, values: dict) -> None:
        if "lang" in values or "lang" not in g:
            return
        if current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = g.lang

    @app.context_processor
    def inject_language() -> dict:
        return {"lang": current_language()}

    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        url_in_language=url_in_language,
        switch_to=switch_to,
        url_with=url_with,
        external_url=external_url,
    )
    app.jinja_env.filters.update(
        usd=format_usd,
        vnd=format_vnd,
        vnd_range=format_vnd_range,
        hectares=format_hectares,
        km=format_km,
        filesize=format_filesize,
        percent=format_percent,
        number=format_number,
        usd_range=format_usd_range,
        date=format_day,
        years=format_year_range,
        language_name=language_name,
        items=format_items,
        with_note=with_note,
        datetime_vn=format_moment,
        age=format_age,
    )


# --- links that keep the visitor where they are --------------------------------------------


def _current_page_args() -> tuple[str | None, dict]:
    endpoint = request.endpoint
    if endpoint is None or g.get("page_failed") or not current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        return None, {}
    return endpoint, dict(request.view_args or {})


def _query_args(path_args: dict) -> dict[str, list[str]]:
    """The query string to keep in a link to this page: not what the path says, not private
    ``_`` parameters, and no ``lang`` where the language is in the path (``?lang=x`` would
    fight it)."""
    in_path = set(path_args) | ({"lang"} if "lang_in_url" in g else set())
    return {k: v for k, v in request.args.lists() if k not in in_path and not k.startswith("_")}


#: The query parameters a canonical or hreflang link keeps: page 2 of a list is its own page.
PAGE_DEFINING_ARGS = ("page",)


def url_in_language(lang: str, keep_query: bool = True, external: bool = False) -> str:
    """This page in another language; with ``keep_query`` its filters too, else only the
    parameters that make it another page (``PAGE_DEFINING_ARGS``, but not page 1); ``external``
    (canonical and hreflang links) on ``PORTAL_BASE_URL``. After a server error, the home page in
    that language: the page itself may be what failed."""
    build = external_url if external else url_for
    endpoint, args = _current_page_args()
    if endpoint is None:
        return build("public.home", lang=lang)
    query = _query_args(args)
    if not keep_query:
        query = {name: values for name, values in query.items()
                 if name in PAGE_DEFINING_ARGS and values not in (["1"], [""])}
    args.update(query)
    return build(endpoint, lang=lang, **args)


def switch_to(lang: str) -> str:
    """The language switcher's link: remember the choice, then this page in ``lang``."""
    return url_for("public.choose_language", lang=lang, next=url_in_language(lang))


def url_with(**changes) -> str:
    """This page with some query parameters changed; ``None`` removes one."""
    args = dict(request.view_args or {})
    query = _query_args(args)
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return url_for(request.endpoint or "public.home", **args, **query)


def language_name(code: str) -> str:
    """The name of a language in the reader's language ("tiếng Anh", "영어")."""
    return Locale.parse(code).get_display_name(locale_code())


# --- lists and notes in running text: the reader's punctuation ------------------------------


def format_items(items: Iterable[str], lang: str | None = None) -> str:
    """Names in running text, joined as the reader's language (or ``lang``) joins them (CLDR, through
    Babel): "Logistics, Electronics and Chips", "물류, 전자 및 반도체", "物流、電子、半導体"."""
    names = [str(item) for item in items if item]
    return format_list(names, locale=lang or locale_code()) if names else ""


def addressee(name: str, company: str | None = None) -> str:
    """A letter's opening line to a person, in the current language. Japanese and Korean letters name the
    company with the person (on the line above in Japanese); English and Vietnamese keep to the person."""
    if company and company.strip() and company.strip() != name.strip():
        return gettext("Dear %(name)s (%(company)s),", name=name, company=company.strip())
    return gettext("Dear %(name)s,", name=name)


def with_note(text: str, *notes: str) -> str:
    """``text`` with notes in parentheses: "45 km (Cai Mep port, ships up to 160,000 DWT)"; in
    Japanese full-width, "45 km（カイメップ港、最大160,000 DWT）", so no half-width punctuation
    sits in Japanese text."""
    notes = tuple(note for note in notes if note)
    if not notes:
        return text
    if locale_code().startswith("ja"):
        return f"{text}（{'、'.join(notes)}）"
    return f"{text} ({', '.join(notes)})"


# --- content in several languages -------------------------------------------------------


@dataclass(frozen=True)
class LocalizedText:
    """The text to show for one item, and whether it is a stand-in from another language."""

    text: Any
    lang: str
    requested: str

    @property
    def is_fallback(self) -> bool:
        return self.lang != self.requested


def pick_translation(texts: Mapping[str, Any], lang: str) -> LocalizedText | None:
    """The reader's language if present, else English, else Vietnamese, else any."""
    for candidate in (lang, *CONTENT_FALLBACK, *sorted(texts)):
        if candidate in texts:
            return LocalizedText(texts[candidate], candidate, lang)
    return None


# --- numbers, money, areas, distances ----------------------------------------------------


def locale_code() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


@cache
def number_pattern(pattern: str) -> numbers.NumberPattern:
    """Babel's reading of a number pattern, made once per process: Babel parses the text again on
    every call, a good part of formatting each of the hundreds of numbers a report shows."""
    return numbers.parse_pattern(pattern)


def format_number(value: float | Decimal | int | None, digits: int = 1) -> str:
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return numbers.format_decimal(value, format=number_pattern(pattern), locale=locale_code())


def format_hectares(value: Decimal | float | None) -> str:
    if value is None:
        return ""
    return units.format_unit(value, "area-hectare", length="short", locale=locale_code(), format="#,##0.#")


def format_km(value: Decimal | float | None) -> str:
    if value is None:
        return ""
    return units.format_unit(value, "length-kilometer", length="short", locale=locale_code(), format="#,##0.#")


def format_filesize(size_bytes: int | None) -> str:
    """A file's size as people read it ("2.4 MB", "350 kB"); 1 MB is 1024 × 1024 bytes, as upload limits are set."""
    if size_bytes is None:
        return ""
    if size_bytes >= 1024 * 1024:
        value, unit = size_bytes / (1024 * 1024), "digital-megabyte"
    elif size_bytes >= 1024:
        value, unit = size_bytes / 1024, "digital-kilobyte"
    else:
        value, unit = size_bytes, "digital-byte"
    return units.format_unit(value, unit, length="short", locale=locale_code(), format="#,##0.#")


def format_percent(value: Decimal | float | None) -> str:
    """``value`` is on a 0–100 scale, as parks publish occupancy."""
    if value is None:
        return ""
    return numbers.format_percent(Decimal(str(value)) / 100, format=number_pattern("#,##0.#%"), locale=locale_code())


def format_year_range(years: Iterable[int | None]) -> str:
    start, end = years
    if start and end and start != end:
        return gettext("%(start)s – %(end)s", start=start, end=end)
    return str(start or end or "")
