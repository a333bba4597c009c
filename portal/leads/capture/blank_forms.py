"""Blank public forms, rendered once per form and language by each worker: a visitor's copy only
gets its own CSRF token, form key, start time and the page it came from written into the kept page.

Showing a form took most of an inquiry's time (the template, the 270 countries, WTForms' fields),
and the public page cache never keeps a form, because of its CSRF token. A kept page is used until
the published content changes (the page cache's generation: a new sector shows at once) or
``PAGE_CACHE_SECONDS`` pass; with ``PAGE_CACHE`` off nothing is kept. Only a plain GET of the form
(no query string, such as ``?project=``) is served from here.
"""
from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass

from flask import current_app, request
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from portal.antispam import form_started_token

#: What differs between two visitors' copies of a blank form: these fields' values.
SLOTS = ("csrf_token", "started", "form_key", "came_from")
_MARK = f"blank-form-slot-{secrets.token_hex(8)}-"
_MARKED = re.compile(re.escape(_MARK) + "(" + "|".join(SLOTS) + ")")


@dataclass(frozen=True)
class BlankPage:
    """The page cut at its slots: text, slot name, text, slot name ... text."""

    parts: tuple[str, ...]
    generation: str
    expires: float

    @classmethod
    def cut(cls, html: str, generation: str, ttl: float) -> BlankPage:
        return cls(tuple(_MARKED.split(html)), generation, time.monotonic() + ttl)

    def fill(self, came_from: str) -> str:
        """This visitor's copy, each value escaped for an attribute as WTForms escapes it."""
        parts = list(self.parts)
        parts[1::2] = [_VALUES[name](came_from) for name in parts[1::2]]
        return "".join(parts)


#: How each slot gets its value (only the slots the page has: no CSRF token when CSRF is off).
_VALUES = {
    "csrf_token": lambda _came_from: generate_csrf(),
    "started": lambda _came_from: form_started_token(),
    "form_key": lambda _came_from: secrets.token_urlsafe(24),
    "came_from": lambda came_from: str(escape(came_from)),
}
_lock = threading.Lock()


def eligible() -> bool:
    """A plain GET of the form: nothing asked for in the query string, nothing sent."""
    return request.method == "GET" and not request.query_string


def _key(lang: str) -> tuple[str, str]:
    return request.endpoint or "", lang


def _pages() -> dict[tuple[str, str], BlankPage]:
    """This app's kept pages (each app its own: tests build apps with other settings)."""
    return current_app.extensions.setdefault("blank_forms", {})


def kept_page(lang: str, came_from: str, generation: str | None) -> str | None:
    """This visitor's copy of the kept blank form, or ``None`` when there is none (yet, or any more).
    ``generation`` is the content's now (``portal.page_cache.content_generation``)."""
    page = _pages().get(_key(lang))
    if page is None or generation is None or page.generation != generation or page.expires < time.monotonic():
        return None
    return page.fill(came_from)


def mark_slots(form) -> None:
    """Put marks where the visitor's values go, before the blank form is rendered to be kept."""
    for name in SLOTS:
        field = getattr(form, name, None)
        if field is None:
            continue
        if name == "csrf_token":
            field.current_token = _MARK + name
        else:
            field.data = _MARK + name


def keep_and_fill(html: str, lang: str, came_from: str, generation: str | None) -> str:
    """Keep the marked page (when the page cache is on) and give this visitor their copy of it.
    ``generation`` must be read before the page's data was: a change committed meanwhile then
    makes the kept page old at once."""
    page = BlankPage.cut(html, generation or "", current_app.config["PAGE_CACHE_SECONDS"])
    if generation is not None:
        with _lock:
            _pages()[_key(lang)] = page
    return page.fill(came_from)


def forget_all() -> None:
    """Drop every kept blank form (tests, or after changing a template at run time)."""
    with _lock:
        _pages().clear()
