"""The browser session's cookies (BFF): names, how they are set and cleared, how they are read.

`__Host-` cookies are sent only to this origin, only over HTTPS (browsers count
http://localhost as secure), with Path=/ and no Domain, so a sibling subdomain can neither
set nor shadow them. The tokens are HttpOnly: a script on the page never sees them. The
CSRF cookie is the one a script must read, to echo it in `X-CSRF-Token` (double submit).

The services get the caller's other cookies as the raw chunks of the Cookie header, never
parsed and written out again: a parser unquotes `x="\\073lka_access=<token>"` (a quoted value
with an escaped `;`), and writing the result out again would make it a real `lka_access`
cookie. A chunk that is one of ours, or that any reading of it (escapes undone, case ignored)
makes an `lka_…` cookie, stops here: no session cookie reaches a service except as the
gateway's own Authorization header.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from urllib.parse import unquote_to_bytes

ACCESS = "__Host-lka_access"
REFRESH = "__Host-lka_refresh"
CSRF = "__Host-lka_csrf"
OURS = (ACCESS, REFRESH, CSRF)
# The browser's own id (docs/contract.md §4, the letter about a sign-in from a browser not seen
# before): random, set at a cookie-mode sign-in that comes without one, kept for as long as
# browsers keep a cookie (400 days) and never cleared at sign-out, since it names the browser,
# not a session. Only a sign-in reads it, and passes it on to identity as `X-Device-Id`.
DEVICE = "__Host-lka_device"
DEVICE_MAX_AGE_S = 400 * 24 * 3600
_DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")
# Ours without the `__Host-` prefix, in any case or disguise (the services' old `lka_access`
# among them): a sibling subdomain could plant such a cookie, and a service that took it would
# be signed in without the CSRF check. Such chunks are never forwarded.
MARKER = b"lka_"
# A backslash escape as cookie parsers undo them in quoted values: `\073` (octal) or `\x`.
_ESCAPE = re.compile(rb"\\([0-7]{3}|.)", re.DOTALL)

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


def new_device_id() -> str:
    return secrets.token_urlsafe(32)


def is_device_id(value: str | None) -> bool:
    """One the gateway could have made; anything else is replaced by a new one."""
    return value is not None and _DEVICE_ID.match(value) is not None


def device_cookie(device_id: str) -> Header:
    return set_cookie(DEVICE, device_id, DEVICE_MAX_AGE_S)


def cleared_cookies() -> list[Header]:
    return [set_cookie(name, "", 0, http_only=name != CSRF) for name in OURS]


def _unescaped(match: re.Match[bytes]) -> bytes:
    escaped = match[1]
    return bytes([int(escaped, 8) & 0xFF]) if len(escaped) == 3 else escaped


def _unescape(text: bytes) -> bytes:
    return _ESCAPE.sub(_unescaped, text)


def _may_read_as_ours(chunk: bytes) -> bool:
    """Whether some parser could make a `lka_…` cookie of this chunk: backslash escapes undone
    (a quoted value's `\\073` is a `;` to some), percent-decoded, either first, case ignored."""
    readings = (_unescape(unquote_to_bytes(chunk)), unquote_to_bytes(_unescape(chunk)))
    return any(MARKER in reading.lower() for reading in readings)


def _value(raw: bytes) -> str:
    value = raw.strip()
    if len(value) >= 2 and value[:1] == value[-1:] == b'"':
        value = value[1:-1]  # the DQUOTEs of RFC 6265's cookie-value; nothing unescaped
    return value.decode("latin-1")


def read_cookies(headers: Iterable[bytes]) -> tuple[dict[str, str], bytes]:
    """Our cookies from the Cookie headers (several, as an HTTP/2 hop may send, are one list:
    RFC 9113 §8.2.3), and the rest for the services as one header of the chunks as they came:
    the refresh token never leaves the gateway, and nothing is parsed and rewritten."""
    ours: dict[str, str] = {}
    rest: list[bytes] = []
    for header in headers:
        for raw in header.split(b";"):
            chunk = raw.strip()
            if not chunk:
                continue
            name, _, value = chunk.partition(b"=")
            decoded = name.strip().decode("latin-1")
            if decoded in OURS or decoded == DEVICE:
                # The first wins, as the browser lists the most specific first; `__Host-`
                # cookies can only come from this origin anyway.
                ours.setdefault(decoded, _value(value))
            elif not _may_read_as_ours(chunk):
                rest.append(chunk)
    return ours, b"; ".join(rest)


def csrf_matches(cookie: str | None, header: str | None) -> bool:
    # Constant time: the comparison must not tell an attacker how much of a guess was right.
    return bool(cookie) and bool(header) and secrets.compare_digest(str(cookie), str(header))
