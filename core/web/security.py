"""Security headers on every answer the app gives: pages, API answers, errors, static files.

The Content-Security-Policy allows scripts only from our own origin, so no page may hold an
inline script, an `on*=` handler or a `javascript:` URL (page scripts live in /static, their
data in `data-*` attributes or `<script type="application/json">` blocks, which are never run).
Styles keep 'unsafe-inline': templates use `style=` attributes and `<style>` blocks widely,
and inline CSS cannot run code, so the gain of forbidding it is small next to the churn.
HSTS is only sent when the request arrived over TLS — directly, or through a reverse proxy the
settings trust (`trust_proxy`) saying so in X-Forwarded-Proto; over plain HTTP it means nothing
and on a developer's http://localhost it would only get in the way.

It is a `before_send` hook rather than a Litestar middleware because route middleware does not
run for answers the router gives itself (404 for an unknown path, 405), and those need the
headers too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# One year, the minimum the HSTS preload list asks for; subdomains are left out because the
# app does not know what else runs under its parent domain.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP level 2
}


def came_over_tls(scope: Scope, trust_proxy: bool) -> bool:
    """True when the client spoke HTTPS to us, or to a trusted proxy that says so."""
    if scope.get("scheme") == "https":
        return True
    if not trust_proxy:
        return False
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-proto":
            # Our nginx overwrites the header; should a proxy append instead, the last value is
            # the one it added (what came before may come from the client), as for X-Forwarded-For.
            return value.decode("latin-1").split(",")[-1].strip().lower() == "https"
    return False


def security_headers(trust_proxy: bool) -> Callable[[Message, Scope], Awaitable[None]]:
    """The `before_send` hook adding the headers; a header the route already set is kept."""

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        for name, value in HEADERS.items():
            if name not in headers:
                headers[name] = value
        if came_over_tls(scope, trust_proxy) and "Strict-Transport-Security" not in headers:
            headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY

    return add_headers
