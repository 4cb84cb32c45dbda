"""The browser session's cookies (BFF): names, how they are set and cleared, how they are read.

`__Host-` cookies are sent only to this origin, only over HTTPS (browsers count
http://localhost as secure), with Path=/ and no Domain, so a sibling subdomain can neither
set nor shadow them. The tokens are HttpOnly: a script on the page never sees them. The
CSRF cookie is the one a script must read, to echo it in `X-CSRF-Token` (double submit).
"""

from __future__ import annotations

import secrets

from starlette.requests import cookie_parser

ACCESS = "__Host-lka_access"
REFRESH = "__Host-lka_refresh"
CSRF = "__Host-lka_csrf"
OURS = (ACCESS, REFRESH, CSRF)
# The services' own cookie name (lka_common.auth). Never accepted from outside: it would
# let a cookie planted by a sibling subdomain through without the CSRF check.
SERVICE_ACCESS = "lka_access"
# Whether a Cookie header needs reading at all: any of our names, or the services' one.
MARKER = b"lka_"

_ATTRIBUTES = "; Path=/; Secure; SameSite=Strict"
Header = tuple[bytes, bytes]


def set_cookie(name: str, value: str, max_age_s: int, http_only: bool = True) -> Header:
    attributes = _ATTRIBUTES + ("; HttpOnly" if http_only else "")
    return b"set-cookie", f"{name}={value}; Max-Age={max_age_s}{attributes}".encode("latin-1")


def session_cookies(
    access: str, refresh: str, access_max_age_s: int, refresh_max_age_s: int
) -> list[tuple[bytes, bytes]]:
    """Set-Cookie headers for a new token pair, with a fresh CSRF token."""
    return [
        set_cookie(ACCESS, access, access_max_age_s),
        set_cookie(REFRESH, refresh, refresh_max_age_s),
        set_cookie(CSRF, secrets.token_urlsafe(32), refresh_max_age_s, http_only=False),
    ]


def cleared_cookies() -> list[Header]:
    return [set_cookie(name, "", 0, http_only=name != CSRF) for name in OURS]


def read_cookies(header: bytes) -> tuple[dict[str, str], bytes]:
    """Our cookies from a Cookie header, and the header without them (and without the
    services' name) for the services: the refresh token never leaves the gateway."""
    cookies = cookie_parser(header.decode("latin-1"))
    ours = {name: cookies.pop(name) for name in OURS if name in cookies}
    cookies.pop(SERVICE_ACCESS, None)
    rest = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return ours, rest.encode("latin-1")


def csrf_matches(cookie: str | None, header: str | None) -> bool:
    # Constant time: the comparison must not tell an attacker how much of a guess was right.
    return bool(cookie) and bool(header) and secrets.compare_digest(str(cookie), str(header))
