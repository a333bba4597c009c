"""The glossary (tests/glossary.toml) holds in every catalogue and in the demo content: a concept
has one word per language, and the words a native reader flagged do not come back."""
from __future__ import annotations

import json
import re
import tomllib
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("vi", "ko", "ja")
TERMS = tomllib.loads((Path(__file__).parent / "glossary.toml").read_text(encoding="utf-8"))["term"]


@lru_cache
def catalogue(lang: str) -> list[tuple[str, str]]:
    """(English, translation) of every translated message, plural forms one by one."""
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as file:
        messages = read_po(file, locale=lang)
    pairs = []
    for message in messages:
        if not message.id or not message.string:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        translated = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs.extend((english[min(i, len(english) - 1)], text) for i, text in enumerate(translated))
    return pairs


def _texts_in(value, lang: str, in_language: bool = False):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _texts_in(item, lang, in_language or key == lang)
    elif isinstance(value, list):
        for item in value:
            yield from _texts_in(item, lang, in_language)
    elif isinstance(value, str) and in_language:
        yield value


@lru_cache
def demo_texts(lang: str) -> list[tuple[str, str]]:
    """(file, text) of every demo text written in ``lang`` (under a ``"ko": ...`` key)."""
    found = []
    for path in sorted((ROOT / "portal" / "demo" / "data").glob("*.json")):
        found.extend((path.name, text) for text in _texts_in(json.loads(path.read_text(encoding="utf-8")), lang))
    return found


FORBIDDEN = [(term["en"], lang, word) for term in TERMS for lang, words in term.get("forbidden", {}).items()
             for word in words]
FORBIDDEN_IN_DEMO = [(term["en"], lang, word) for term in TERMS if term.get("demo", True)
                     for lang, words in term.get("forbidden", {}).items() for word in words]
MATCHED = [(term, lang) for term in TERMS if "match" in term for lang in LANGUAGES]


def test_the_glossary_covers_the_terms_readers_flagged():
    names = {term["en"] for term in TERMS}
    assert {"ready-built factory", "lease term", "maintenance fee", "why invest here (page)", "park directory",
            "industrial park", "investment project"} <= names
    assert all(term.get(lang) for term in TERMS for lang in LANGUAGES)


@pytest.mark.parametrize("term, lang, word", FORBIDDEN)
def test_a_forbidden_variant_is_in_no_catalogue(term, lang, word):
    found = [english for english, text in catalogue(lang) if word in text]
    assert not found, f"{lang} writes {word!r} for {term!r} in: {found[:5]}"


@pytest.mark.parametrize("term, lang, word", FORBIDDEN_IN_DEMO)
def test_a_forbidden_variant_is_in_no_demo_text(term, lang, word):
    found = [(name, text[:80]) for name, text in demo_texts(lang) if word in text]
    assert not found, f"{lang} demo content writes {word!r} for {term!r} in: {found[:5]}"


@pytest.mark.parametrize("term, lang", MATCHED, ids=[f"{t['en']}-{lang}" for t, lang in MATCHED])
def test_where_the_english_names_a_term_the_translation_uses_the_glossary_word(term, lang):
    pattern = re.compile(term["match"], re.IGNORECASE)
    accepted = [word.lower() for word in term[lang]]
    named = [(english, text) for english, text in catalogue(lang) if pattern.search(english)]
    assert named, f"no message names {term['en']!r}: the pattern {term['match']!r} is stale"
    strays = [(english, text) for english, text in named if not any(word in text.lower() for word in accepted)]
    assert not strays, f"{lang}: {term['en']!r} is not written as {term[lang]} in: {strays[:5]}"


def test_the_check_finds_a_forbidden_word(tmp_path):
    """The checks above read the real files: a catalogue with a stray word is caught."""
    po = tmp_path / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Ready-built factory"\nmsgstr "레디빌트 공장"\n', encoding="utf-8")
    with open(po, "rb") as file:
        texts = [message.string for message in read_po(file, locale="ko") if message.id]
    assert any(word in text for text in texts for _, lang, word in FORBIDDEN if lang == "ko")
