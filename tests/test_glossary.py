"""The glossary (tests/glossary.toml) holds in every catalogue and in the demo content: a concept
has one word per language, and the words a native reader flagged do not come back."""
from __future__ import annotations

import json
import re
import tempfile
import tomllib
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
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


REGISTER = tomllib.loads((Path(__file__).parent / "glossary.toml").read_text(encoding="utf-8"))["register"]
#: a sentence that ends in 하십시오체/합니다체 (…습니다, …합니다, …입니다, …니까?) or asks with …십시오
KOREAN_FORMAL = re.compile(r"[가-힣](니다|니까)(?=[.?!:)\s]|$)|십시오")
#: ASCII punctuation touching Japanese text, where Japanese writes 、。（）：
JAPANESE_HALF_WIDTH = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff][,.:;()!?]|[,.:;()!?][\u3040-\u30ff\u4e00-\u9fff]")
#: the familiar "bạn" (but not "bạn bè", friends): staff texts are neutral, investors are Quý vị or Ông/Bà
VIETNAMESE_FAMILIAR_YOU = re.compile(r"(?<!\w)bạn(?! bè)(?!\w)", re.IGNORECASE)


PUBLIC_LAYOUT = re.compile(r"""{%-?\s*extends\s+["']base\.html["']""")


@lru_cache
def places() -> dict[str, frozenset[str]]:
    """Each msgid with the files that use it, from a fresh extraction with locations (the catalogues have none)."""
    with tempfile.TemporaryDirectory() as folder:
        pot = Path(folder) / "messages.pot"
        CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l",
                                    "-k", "lazy_gettext", "-o", str(pot), str(ROOT)])
        with pot.open("rb") as file:
            messages = [message for message in read_po(file) if message.id]
    return {(m.id if isinstance(m.id, str) else m.id[0]):
            frozenset(Path(path).resolve().relative_to(ROOT).as_posix() for path, _ in m.locations) for m in messages}


def _may_be_formal(path: str) -> bool:
    """Mails to investors and public pages may write 합니다체; staff pages and mails to staff may not."""
    if path.startswith("portal/templates/email/"):
        return Path(path).name.split(".")[0] not in REGISTER["staff_mails"]
    if path.endswith(".html") and PUBLIC_LAYOUT.search((ROOT / path).read_text(encoding="utf-8")):
        return True
    return any(path.startswith(prefix) for prefix in REGISTER["formal_allowed"])


def formal_staff_sentences() -> list[tuple[str, str]]:
    """(English, Korean) of the messages a staff member reads that are not in 해요체."""
    used = places()
    return [(english, text) for english, text in catalogue("ko") if KOREAN_FORMAL.search(text)
            and not all(_may_be_formal(path) for path in used.get(english, ()) or ("?",))]


def test_korean_staff_texts_and_staff_mails_are_in_haeyo_style():
    """해요체 on the staff side (…했어요, …없어요, …해 주세요), not 저장되었습니다 or 필요하십니까?"""
    found = formal_staff_sentences()
    assert not found, f"{len(found)} Korean staff messages are in 합니다체/하십시오체: {found[:5]}"


def test_the_register_check_knows_the_staff_side_from_the_investor_side():
    used = places()
    assert used["Saved."] and not all(_may_be_formal(path) for path in used["Saved."])
    assert all(_may_be_formal(path) for path in used["Thank you for your inquiry. An investment officer will answer "
                                                      "you within one working day."])
    assert not _may_be_formal("portal/templates/email/lead_assigned.txt")
    assert KOREAN_FORMAL.search("저장되었습니다.") and KOREAN_FORMAL.search("어떤 내용입니까?")
    assert not KOREAN_FORMAL.search("저장했어요.") and not KOREAN_FORMAL.search("무엇이 필요하신가요?")


def test_japanese_uses_full_width_punctuation_inside_sentences():
    found = [(english, text) for english, text in catalogue("ja") if JAPANESE_HALF_WIDTH.search(text)]
    assert not found, f"ja writes half-width punctuation in Japanese text: {found[:5]}"


def test_vietnamese_does_not_address_the_reader_as_ban():
    found = [(english, text) for english, text in catalogue("vi") if VIETNAMESE_FAMILIAR_YOU.search(text)]
    assert not found, f"vi says 'bạn' to the reader in: {found[:5]}"
