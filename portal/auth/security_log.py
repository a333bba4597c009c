"""Security events as one JSON line each on the ``portal.security`` logger (for the operator's log
collection), and in the audit trail where a person should see them on the account."""
from __future__ import annotations

import json
import logging

from flask import has_request_context, request

from portal import audit, clock

logger = logging.getLogger("portal.security")

#: Events about a staff account that its history keeps (the others are log lines only).
AUDITED = {"sign_in", "sign_in_failed", "locked_out", "two_factor_enrolled", "two_factor_reset",
           "recovery_code_used", "password_set", "password_changed"}


def record(event: str, user=None, email: str | None = None, by=None, **details) -> None:
    """Log ``event`` with who, from where and when; audited on the account where it names one."""
    line = {"event": event, "at": clock.now().isoformat(), "user_id": user.id if user else None,
            "email": email or (user.email if user else None), "by": by.id if by else None, **details}
    if has_request_context():
        line.update(address=request.remote_addr, method=request.method, path=request.path)
    # The text is the JSON line itself; the JSON log format takes the fields as keys of their own
    logger.info(json.dumps(line, ensure_ascii=False, default=str), extra={"fields": line})
    if user is not None and event in AUDITED:
        audit.record("user", user.id, event, {name: (None, value) for name, value in details.items()},
                     user_id=by.id if by else user.id)
