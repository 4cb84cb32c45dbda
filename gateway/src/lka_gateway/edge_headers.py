"""Headers every answer of the gateway carries, and CORS (docs/quality.md item 5-9, OWASP secure headers).

The outermost layer of the app, so answers made anywhere inside (a service's, a problem of
the gateway's own, the request middleware's 413) all get them: `nosniff`, no referrer, no
framing, a Content-Security-Policy (strict for the web app's pages, `default-src 'none'`
for API answers, which are never rendered), and HSTS only when a setting says TLS ends in
front of us (HSTS over plain HTTP is ignored by browsers and would mislead a reader).

CORS grants only the origins in `cors_origins`, credentials included (the web app's cookie
session); a foreign origin gets no grant at all, so the browser keeps the answer from it.
Preflights are answered here and never reach routing or the services.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lka_common.problems import Problem
from lka_common.web import incoming_request_id
from lka_gateway.api_docs import DOCS_PATH
from lka_gateway.settings import GatewaySettings

Headers = list[tuple[bytes, bytes]]

PAGE_CSP = (
    b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    b"form-action 'self'; frame-ancestors 'none'"
)
API_CSP = b"default-src 'none'; frame-ancestors 'none'"
# The API's description for people is a page: it gets the page policy.
PAGES_UNDER_API = frozenset({DOCS_PATH})
HSTS = b"max-age=31536000; includeSubDomains"
# What a browser may send cross-origin: the methods of the routing table, and the headers
# the contract uses (token, JSON, idempotency, CSRF double submit, cookie sign-in, trace id).
ALLOW_METHODS = b"GET, POST, PUT, DELETE"
ALLOW_HEADERS = b"Authorization, Content-Type, Idempotency-Key, X-CSRF-Token, X-Request-ID, X-Session-Mode"
EXPOSE_HEADERS = b"X-Request-ID, Retry-After, Allow"
PREFLIGHT_MAX_AGE = b"600"


def _security_headers(csp: bytes, tls_in_front: bool) -> Headers:
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", csp),
    ]
    if tls_in_front:
        headers.append((b"strict-transport-security", HSTS))
    return headers


class EdgeHeaders:
    """Plain ASGI around the whole app: adds the headers to each response start."""

    def __init__(self, app: ASGIApp, settings: GatewaySettings) -> None:
        self.app = app
        self.origins = frozenset(origin.encode("latin-1") for origin in settings.cors_origins)
        # Built once: per call only a list concatenation remains.
        self.api_headers = _security_headers(API_CSP, settings.tls_in_front)
        self.page_headers = _security_headers(PAGE_CSP, settings.tls_in_front)
        self.ours = frozenset(name for name, _ in self.page_headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = self._origin(scope)
        path = scope["path"]
        extra = self.api_headers if path.startswith("/api/") and path not in PAGES_UNDER_API else self.page_headers
        if origin is not None:
            # Vary on every answer that looked at Origin, so a cache never hands one
            # origin's grant to another.
            extra = [*extra, (b"vary", b"Origin")]
            if origin in self.origins:
                extra += [
                    (b"access-control-allow-origin", origin),
                    (b"access-control-allow-credentials", b"true"),
                    (b"access-control-expose-headers", EXPOSE_HEADERS),
                ]
            if scope["method"] == "OPTIONS" and _header(scope, b"access-control-request-method"):
                await self._preflight(origin in self.origins, extra, scope, receive, send)
                return
        ours = self.ours

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(n, v) for n, v in message.get("headers", ()) if n.lower() not in ours]
                message["headers"] = kept + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _origin(scope: Scope) -> bytes | None:
        return _header(scope, b"origin")

    @staticmethod
    async def _preflight(allowed: bool, extra: Headers, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = incoming_request_id(scope["headers"]).encode()
        if not allowed:
            # No grant: the browser will not send the call. A problem says why to a person
            # reading the network tab.
            headers = [*extra, (b"x-request-id", request_id)]
            response = Problem(403, "cors_origin_denied", "Источник запроса не разрешен").response()
            response.raw_headers = [*response.raw_headers, *headers]
            await response(scope, receive, send)
            return
        headers = [
            *extra,
            (b"access-control-allow-methods", ALLOW_METHODS),
            (b"access-control-allow-headers", ALLOW_HEADERS),
            (b"access-control-max-age", PREFLIGHT_MAX_AGE),
            (b"x-request-id", request_id),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None
