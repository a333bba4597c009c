"""The second factor of every staff sign-in: a time-based code (RFC 6238) from any authenticator
app, set up by scanning a QR code the portal draws itself, and one-time recovery codes for the day
the phone is lost."""
from __future__ import annotations

import base64
import hashlib
import io
import secrets

import pyotp
import segno

from portal import clock

ISSUER = "Invest Portal"
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def new_secret() -> str:
    return pyotp.random_base32()


def setup_uri(secret: str, account: str, issuer: str = ISSUER) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_code_data_uri(uri: str) -> str:
    """The QR code as an SVG image in a ``data:`` address: drawn here, nothing asked of any service."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, border=2, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


#: Seconds a code stands for (RFC 6238's default, what every authenticator app uses).
STEP_SECONDS = 30


def current_step() -> int:
    return int(clock.now().timestamp()) // STEP_SECONDS


def accepted_step(secret: str, code: str, last_step: int) -> int | None:
    """The time step of a right code (this one, or the one before or after for a phone whose clock
    drifts), or None. A step at or before ``last_step`` was used already: a code works once."""
    code = "".join(code.split())
    if not (secret and code.isdigit() and len(code) == 6):
        return None
    totp, now_step = pyotp.TOTP(secret), current_step()
    for step in (now_step - 1, now_step, now_step + 1):
        if step > last_step and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes of ten characters, easy to read out and type (no 0/o, 1/l/i)."""
    return ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]


def code_hash(code: str) -> str:
    """Recovery codes are random, so a plain SHA-256 of the normalised code is enough to keep."""
    return hashlib.sha256("".join(code.lower().split()).replace("-", "").encode()).hexdigest()
