"""Trusting ``X-Forwarded-*`` headers only from the reverse proxies the centre runs: a client that
reaches the portal's port directly cannot pose as any address it likes (and so slip past the
per-address limits) by writing the header itself."""
from __future__ import annotations

from ipaddress import ip_address, ip_network

from werkzeug.middleware.proxy_fix import ProxyFix

#: Set in the WSGI environ of a request whose peer is one of the trusted proxies: headers only such a
#: proxy may set (``X-Forwarded-*``, ``X-Request-ID``) are believed only then.
VIA_TRUSTED_PROXY = "portal.via_trusted_proxy"


def via_trusted_proxy(environ) -> bool:
    return bool(environ.get(VIA_TRUSTED_PROXY))


class FromTrustedProxies:
    """``ProxyFix`` for requests whose peer is one of ``trusted`` (addresses or networks); the
    others are taken as they come."""

    def __init__(self, app, hops: int, trusted: list[str]):
        self.direct = app
        self.behind_proxy = ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops)
        self.trusted = [ip_network(entry.strip(), strict=False) for entry in trusted if entry.strip()]

    def _from_proxy(self, peer: str) -> bool:
        try:
            address = ip_address(peer)
        except ValueError:
            return False
        return any(address in network for network in self.trusted)

    def __call__(self, environ, start_response):
        if self._from_proxy(environ.get("REMOTE_ADDR", "")):
            environ[VIA_TRUSTED_PROXY] = True
            return self.behind_proxy(environ, start_response)
        return self.direct(environ, start_response)
