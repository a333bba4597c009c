"""Staff passwords: long enough, not a known or guessable one, hashed with Argon2id. Hashes made
before (Werkzeug's scrypt) still verify and are replaced at the next sign-in."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 200
#: zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline attacks".
MIN_STRENGTH = 3

_hasher = PasswordHasher()  # Argon2id with the library's (RFC 9106 low-memory) parameters


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored_hash: str, password: str) -> bool:
    if stored_hash.startswith("$argon2"):
        try:
            return _hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored_hash, password) if stored_hash.startswith(("scrypt:", "pbkdf2:")) else False


def needs_rehash(stored_hash: str) -> bool:
    return not stored_hash.startswith("$argon2") or _hasher.check_needs_rehash(stored_hash)


def problem(password: str, *personal: str):
    """Why a new password is refused (a translated message), or None. zxcvbn ships lists of common
    and leaked passwords, names and words, and knows keyboard patterns, dates and sequences; the
    person's own e-mail and name count as guessable too."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(min)d characters.", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(max)d characters.", max=MAX_LENGTH)
    hints = [part for text in personal if text for part in (text, *text.replace("@", " ").replace(".", " ").split())]
    if zxcvbn(password, user_inputs=hints)["score"] < MIN_STRENGTH:
        return _l("This password is too common or too easy to guess. Try a few unrelated words.")
    return None
