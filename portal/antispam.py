"""Spam checks that need no outside service: a honeypot field people never see, a minimum time
between opening a form and sending it (signed, so it cannot be forged), and the public forms' rate limit."""
from __future__ import annotations

import time

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

_SALT = "portal-form-started"
_MAX_AGE = 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def form_started_token() -> str:
    return _serializer().dumps(round(time.time(), 3))


def sent_too_fast(token: str | None) -> bool:
    """True when the form came back quicker than a person fills it, or without a valid token."""
    try:
        started = _serializer().loads(token or "", max_age=_MAX_AGE)
    except BadSignature:
        return True
    return time.time() - float(started) < current_app.config["FORM_MIN_FILL_SECONDS"]


def form_rate_limit() -> str:
    """How often one address may send a public form (``PORTAL_FORM_RATE_LIMIT``), for ``limiter.limit``."""
    return current_app.config["PORTAL_FORM_RATE_LIMIT"]
