"""The portal's own log lines (the ``portal`` logger and its children, ``portal.security`` among
them): plain text for a developer's terminal, one JSON object a line for the operator's log
collection (``LOG_FORMAT``), each with the id of the request it belongs to, so that every line of
one request, the access log's among them, can be found from the id a user or the proxy reports.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import datetime, timezone

from flask import Flask, has_request_context, request
from flask.logging import default_handler

from portal.proxies import via_trusted_proxy

HEADER = "X-Request-ID"
_ENVIRON_KEY = "portal.request_id"
#: What a proxy's id may look like: short, printable, nothing that could break a log line or a header.
SANE_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{8,128}")
#: The handler this module installs, replaced when another app is built in the same process (tests).
_HANDLER_MARK = "_portal_handler"


def request_id() -> str | None:
    """This request's id: the trusted proxy's ``X-Request-ID`` when it looks sane (so its log and
    ours share one id), else a new one; None outside a request."""
    if not has_request_context():
        return None
    environ = request.environ
    if _ENVIRON_KEY not in environ:
        given = request.headers.get(HEADER, "")
        trusted = via_trusted_proxy(environ) and SANE_ID.fullmatch(given)
        environ[_ENVIRON_KEY] = given if trusted else uuid.uuid4().hex
    return environ[_ENVIRON_KEY]


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line. A record logged with ``extra={"fields": {...}}`` (the security log)
    carries those fields as keys of their own rather than as text inside the message."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name,
                "request_id": getattr(record, "request_id", None)}
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update({key: value for key, value in fields.items() if key not in line})
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def init_app(app: Flask) -> None:
    """Send the ``portal`` loggers to stderr in the chosen format, and echo each request's id."""
    if app.config["LOG_FORMAT"] not in ("json", "text"):
        raise RuntimeError("LOG_FORMAT must be json or text")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if app.config["LOG_FORMAT"] == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RequestIdFilter())
    setattr(handler, _HANDLER_MARK, True)
    logger = logging.getLogger("portal")  # app.logger, as the app is named after the package
    for old in [h for h in logger.handlers if getattr(h, _HANDLER_MARK, False) or h is default_handler]:
        logger.removeHandler(old)
    logger.addHandler(handler)
    logger.setLevel(app.config["LOG_LEVEL"])

    @app.after_request
    def echo_request_id(response):
        response.headers[HEADER] = request_id()
        return response
