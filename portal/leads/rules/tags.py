"""Tags typed by staff: the same tag whatever its case, at most ten on a lead."""
from __future__ import annotations

import re

TAG_SEPARATORS = re.compile(r"[,，、;]")
MAX_TAGS = 10


def parse_tags(text: str) -> list[str]:
    """Tags typed in one field: separated by commas (also the Asian comma), spaces tidied,
    repeats dropped whatever their case."""
    names: dict[str, str] = {}
    for part in TAG_SEPARATORS.split(text or ""):
        name = " ".join(part.split())
        if name:
            names.setdefault(name.casefold(), name)
    return list(names.values())
