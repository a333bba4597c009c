"""Tags typed by staff: the same tag whatever its case, at most ten on a lead."""
from __future__ import annotations

import re
import unicodedata

TAG_SEPARATORS = re.compile(r"[,，、;]")
MAX_TAGS = 10
#: Room for a tag's key: folding can lengthen a name ("ß" becomes "ss").
KEY_LENGTH = 120


def tag_key(name: str) -> str:
    """What makes two tags the same: the name with its case folded, in Python rather than SQL
    (SQLite's ``lower()`` folds ASCII only, so "Điện tử" and "điện tử" would differ there), and
    Unicode-normalised ("Ｋorea" typed full-width, or "Điện" in decomposed form, is the same tag)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())[:KEY_LENGTH]


def parse_tags(text: str) -> list[str]:
    """Tags typed in one field: separated by commas (also the Asian comma), spaces tidied,
    repeats dropped whatever their case."""
    names: dict[str, str] = {}
    for part in TAG_SEPARATORS.split(text or ""):
        name = " ".join(part.split())
        if name:
            names.setdefault(tag_key(name), name)
    return list(names.values())
