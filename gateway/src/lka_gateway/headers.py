"""Which headers cross the gateway, in each direction (RFC 9110 §7.6.1).

Hop-by-hop headers describe one connection and stop here; the `X-Forwarded-*` headers tell
the service who called and how (`X-Forwarded-For` only the client address the gateway
decided, so the service, trusting the gateway, decides the same and never sees the caller's
own chain); `X-Request-ID` is the id the whole stack logs the call under, `traceparent` the
trace it continues (the gateway's span's, lka_common.tracing); `X-User-*` and
`X-Session-Id` say whose token the gateway verified, and only the gateway writes them, as it
does `X-Device-Id` (a sign-in's browser, from its device cookie).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import Scope

from lka_common import client_address, tracing
from lka_common.auth import Principal

# Where the token check leaves the identity headers of a verified caller for `to_upstream`.
IDENTITY_SCOPE_KEY = "lka_identity"
# And the verified user's id, which the per-user rate limit counts by.
USER_SCOPE_KEY = "lka_user_id"
# The client address, decided once per routed call (app.Gateway) for the limits and the services.
CLIENT_SCOPE_KEY = "lka_client_address"
# A cookie-mode sign-in's device id (sessions.py), for identity as `X-Device-Id`.
DEVICE_SCOPE_KEY = "lka_device_id"

# Host is not forwarded as is: the client library writes the service's own, and the
# caller's goes on in X-Forwarded-Host. Expect is answered by this hop's server already.
_HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"expect",
    }
)
# Replaced by the gateway's own values, never trusted from the caller. The identity headers
# go from every call, public ones too: a service must never read a caller's claim about
# itself as if the gateway had verified it.
_REPLACED_UP = frozenset(
    {
        b"host",
        b"x-request-id",
        b"x-forwarded-for",
        b"x-forwarded-proto",
        b"x-forwarded-host",
        b"x-user-id",
        b"x-user-role",
        b"x-user-email",
        b"x-session-id",
        b"x-device-id",
        # The trace context the service continues is the gateway's own (lka_common.tracing);
        # the caller's is the parent of the gateway's span.
        b"traceparent",
        b"tracestate",
    }
)
# The gateway's server writes its own Date, and the request middleware adds X-Request-ID.
_REPLACED_DOWN = frozenset({b"date", b"server", b"x-request-id"})


def _named_in_connection(headers: Iterable[tuple[bytes, bytes]]) -> frozenset[bytes]:
    """Extra hop-by-hop headers a sender listed in its Connection header."""
    names: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            names.update(token.strip().lower() for token in value.split(b","))
    return frozenset(names)


def _dropped(name: bytes, extra: frozenset[bytes]) -> bool:
    return name in _HOP_BY_HOP or name.startswith(b"proxy-") or name in extra


def to_upstream(scope: Scope, request_id: str) -> list[tuple[str, str]]:
    """The request headers the service gets: the caller's, less hop-by-hop, plus ours."""
    raw: list[tuple[bytes, bytes]] = scope["headers"]
    extra = _named_in_connection(raw)
    host = ""
    headers: list[tuple[str, str]] = []
    for name, value in raw:  # ASGI servers give header names in lower case
        if _dropped(name, extra) or name in _REPLACED_UP:
            if name == b"host":
                host = value.decode("latin-1")
            continue
        headers.append((name.decode("latin-1"), value.decode("latin-1")))
    # Replaced, not appended: the chain was read once, here, and what it meant is this one
    # address; a service trusting the gateway takes it as is (lka_common.client_address).
    address = scope.get(CLIENT_SCOPE_KEY) or client_address.from_scope(scope, ())
    headers.append(("x-forwarded-for", address))
    headers.append(("x-forwarded-proto", scope.get("scheme", "http")))
    if host:
        headers.append(("x-forwarded-host", host))
    headers.append(("x-request-id", request_id))
    headers.extend(tracing.outgoing_headers())
    headers.extend(scope.get(IDENTITY_SCOPE_KEY, ()))
    device = scope.get(DEVICE_SCOPE_KEY)
    if device:
        headers.append(("x-device-id", device))
    return headers


def identity_headers(principal: Principal) -> tuple[tuple[str, str], ...]:
    """Who the verified caller is, for the services. The token itself goes on too: the
    services verify it themselves, these headers only save them reading it again."""
    headers = [("x-user-id", str(principal.user_id)), ("x-user-role", principal.role)]
    if principal.session_id is not None:
        headers.append(("x-session-id", str(principal.session_id)))
    return tuple(headers)


def to_caller(raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The response headers the caller gets: the service's, less hop-by-hop ones."""
    raw = tuple(raw)
    extra = _named_in_connection(raw)
    headers: list[tuple[bytes, bytes]] = []
    for name, value in raw:
        lower = name.lower()  # the client library keeps the case the service wrote
        if _dropped(lower, extra) or lower in _REPLACED_DOWN:
            continue
        headers.append((lower, value))
    return headers
