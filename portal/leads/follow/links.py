"""Private links to an investor's inquiry: a long random token in the e-mail, only its hash stored."""
from __future__ import annotations

import hashlib
import secrets

#: Common Vietnamese family names: a Vietnamese name is written family name first, given name last.
VIETNAMESE_FAMILY_NAMES = frozenset({
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ", "hồ", "ngô",
    "dương", "lý", "đinh", "trương", "lâm", "mai", "trịnh", "đào", "cao", "lưu", "tạ", "hà",
})


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    return 32 <= len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)


def given_name(full_name: str) -> str:
    """The name an officer is addressed by: the last word of a Vietnamese name, else the first."""
    words = full_name.split()
    if not words:
        return ""
    return words[-1] if words[0].lower() in VIETNAMESE_FAMILY_NAMES and len(words) > 1 else words[0]
