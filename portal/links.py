"""Absolute links, always on the portal's public address (``PORTAL_BASE_URL``).

A request's ``Host`` (or ``X-Forwarded-Host``) header is typed by whoever sends the request: a link
built from it in an e-mail, the sitemap or the API would point wherever a stranger wants. Every
absolute URL the portal writes is built here, from the setting, whether or not a request is
being served.
"""
from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app, request


def base_url_parts(base_url: str) -> tuple[str, str, str]:
    """``(scheme, host[:port], path)`` of a base URL; the path is at least ``/``."""
    parts = urlsplit(base_url)
    return parts.scheme, parts.netloc, parts.path or "/"


def base_host(base_url: str) -> str:
    """The host name of a base URL, without its port: what ``TRUSTED_HOSTS`` compares."""
    return urlsplit(base_url).hostname or ""


def external_url(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values, _external=True)``, on ``PORTAL_BASE_URL`` instead of the request's host."""
    app = current_app
    scheme, netloc, path = base_url_parts(app.config["PORTAL_BASE_URL"])
    anchor = values.pop("_anchor", None)
    app.inject_url_defaults(endpoint, values)
    adapter = app.url_map.bind(netloc, script_name=path, url_scheme=scheme)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{quote(anchor, safe='')}" if anchor else url


def staff_back(default: str) -> str:
    """Where a staff form asked to return (its ``back`` field), else ``default``: only a path under
    ``/staff/``, so no form can send an officer to another site."""
    back = request.form.get("back", "")
    return back if back.startswith("/staff/") else default
