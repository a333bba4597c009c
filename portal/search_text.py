"""Text folding for search, so that "binh duong" finds "Bình Dương".

Diacritics are removed from Latin letters only: Korean and Japanese text is kept as
written (stripping the Japanese voicing marks would make が match か).
"""
import unicodedata

_LATIN_END = 0x024F
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ı": "i", "ł": "l", "ø": "o"})


def fold(text: str | None) -> str:
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    kept: list[str] = []
    base_is_latin = False
    for char in decomposed:
        if unicodedata.combining(char):
            if base_is_latin:
                continue
        else:
            base_is_latin = ord(char) <= _LATIN_END
        kept.append(char)
    folded = unicodedata.normalize("NFC", "".join(kept)).casefold()
    return " ".join(folded.split())
