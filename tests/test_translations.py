"""Every string a person reads exists, translated and not fuzzy, in vi, en, ko and ja."""
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("vi", "en", "ko", "ja")


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory) -> set[str]:
    """What the code and templates ask to translate today, extracted afresh."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext",
         "-o", str(pot), str(ROOT)]
    )
    with pot.open("rb") as handle:
        found = {message.id if isinstance(message.id, str) else message.id[0] for message in read_po(handle) if message.id}
    assert len(found) > 100, "extraction found too few messages: is babel.cfg right?"
    return found


def is_translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(string.strip() for string in strings)


def catalogue(lang: str):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_is_complete_and_not_fuzzy(source_messages, lang):
    messages = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalogue(lang) if m.id}
    missing = sorted(source_messages - set(messages))
    assert not missing, f"{lang}: not in the catalogue, run `make update-translations`: {missing}"
    fuzzy = sorted(key for key in source_messages if messages[key].fuzzy)
    assert not fuzzy, f"{lang}: fuzzy entries: {fuzzy}"
    empty = sorted(key for key in source_messages if not is_translated(messages[key]))
    assert not empty, f"{lang}: untranslated: {empty}"


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_survive_translation(lang):
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalogue(lang).check()]
    assert not problems, problems


@pytest.mark.parametrize("lang", LANGS)
def test_no_translation_adds_a_bare_percent_sign(lang):
    """Jinja formats every translated string with %: a stray "%" in a translation breaks the page."""
    import re

    def bare(text: str) -> int:
        return re.sub(r"%\([a-z_]+\)[sd]|%%", "", text).count("%")

    problems = []
    for message in catalogue(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(bare(string) > bare(ids[0]) for string in strings) and message.id not in ALLOWED_PERCENT:
            problems.append((message.id, strings))
    assert not problems, problems


#: Labels only ever shown as values, never formatted by a template's gettext.
ALLOWED_PERCENT = {"Wholly foreign-owned"}
