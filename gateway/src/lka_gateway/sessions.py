"""Browser sessions through the gateway (BFF, docs/contract.md §2 "both must work", docs/quality.md item 5).

Sign-in (and staff sign-in's second step, `/auth/login/mfa`; the first step's `mfa_required`
answer has no tokens and passes as it is) and refresh with `X-Session-Mode: cookie` answer
identity's body without the tokens and set them as `__Host-` cookies instead (cookies.py);
refresh then takes its refresh token from the cookie. A call carrying the access cookie and no
Authorization header goes on with the cookie's token as a Bearer header, so the token check and
the services see one kind of call; on an unsafe method it must echo the CSRF cookie in
`X-CSRF-Token` (403 otherwise): another site can make the browser send the cookies, but cannot
read them. Logout clears the
cookies whatever identity answers (all but the browser's device cookie, which a cookie-mode
sign-in sets when it comes without one and passes on as `X-Device-Id`). The services get the
other cookies as they came, less any that is or could be read as a session cookie
(cookies.read_cookies). Calls without a Cookie header take the first return below.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lka_common.problems import Problem
from lka_gateway import cookies
from lka_gateway.cookies import Header
from lka_gateway.headers import DEVICE_SCOPE_KEY
from lka_gateway.routes import API_PREFIX, Access, Route
from lka_gateway.settings import GatewaySettings

LOGIN, REFRESH, LOGOUT = (API_PREFIX + path for path in ("/auth/login", "/auth/refresh", "/auth/logout"))
# Staff sign-in's second step answers the token pair that the first step does for subscribers.
LOGIN_MFA = API_PREFIX + "/auth/login/mfa"
# The calls that open a session (staff finish theirs with the second factor's step).
SIGN_IN = frozenset({LOGIN, API_PREFIX + "/auth/login/mfa"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FAILED = "Запрос отклонен: обновите страницу и повторите действие"
_BODY_HEADERS = frozenset({b"content-length", b"content-type", b"transfer-encoding"})


class SessionCookies:
    """Plain ASGI, after routing and before the token check, which reads what this writes."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.refresh_max_age_s = settings.session_cookie_max_age_s

    def guard(self, app: ASGIApp) -> ASGIApp:
        async def sessions(scope: Scope, receive: Receive, send: Send) -> None:
            await self(app, scope, receive, send)

        return sessions

    async def __call__(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        cookie_mode, bearer, csrf = False, False, ""
        cookie_headers: list[bytes] = []
        for name, value in scope["headers"]:
            if name == b"cookie":
                # Every Cookie header, whatever it seems to hold: a disguised session cookie
                # (an escape, another case) must not pass unread.
                cookie_headers.append(value)
            elif name == b"x-session-mode":
                cookie_mode = value.lower() == b"cookie"
            elif name == b"x-csrf-token":
                csrf = value.decode("latin-1")
            elif name == b"authorization":
                bearer = True
        if not cookie_headers and not cookie_mode:
            await app(scope, receive, send)
            return
        route: Route = scope["route"]
        ours, rest = cookies.read_cookies(cookie_headers)
        headers = [(n, v) for n, v in scope["headers"] if n != b"cookie"]
        if rest:
            headers.append((b"cookie", rest))
        from_cookie = False
        # A public call needs no token: a stale access cookie must not make sign-in need CSRF.
        if cookies.ACCESS in ours and not bearer and route.access is not Access.PUBLIC:
            headers.append((b"authorization", b"Bearer " + ours[cookies.ACCESS].encode("latin-1")))
            from_cookie = True
        if route.path == REFRESH and cookie_mode and cookies.REFRESH in ours:
            receive, headers = _refresh_body(ours[cookies.REFRESH], receive, headers)
            from_cookie = True
        if (
            from_cookie
            and scope["method"] not in SAFE_METHODS
            and not cookies.csrf_matches(ours.get(cookies.CSRF), csrf)
        ):
            await Problem(403, "csrf_failed", CSRF_FAILED).response()(scope, receive, send)
            return
        scope["headers"] = headers
        if cookie_mode and route.path in (LOGIN, LOGIN_MFA, REFRESH):
            send = _tokens_to_cookies(send, self.refresh_max_age_s)
        elif route.path == LOGOUT:
            send = _with_headers(send, cookies.cleared_cookies())
        if cookie_mode and route.path in SIGN_IN:
            # The browser's device id for identity's letter about a browser not seen before.
            device = ours.get(cookies.DEVICE)
            if not cookies.is_device_id(device):
                device = cookies.new_device_id()
                send = _with_headers(send, [cookies.device_cookie(device)])
            scope[DEVICE_SCOPE_KEY] = device
        await app(scope, receive, send)


def _refresh_body(token: str, receive: Receive, headers: list[Header]) -> tuple[Receive, list[Header]]:
    """Identity's refresh call, its body made from the cookie (the browser cannot read it)."""
    body = json.dumps({"refresh_token": token}).encode()
    sent = False

    async def receive_body() -> Message:
        nonlocal sent
        if sent:  # whatever the browser sent itself is left unread
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    kept = [(n, v) for n, v in headers if n not in _BODY_HEADERS]
    kept += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return receive_body, kept


def _with_headers(send: Send, extra: list[Header]) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", ()), *extra]
        await send(message)

    return sending


def _tokens_to_cookies(send: Send, refresh_max_age_s: int) -> Send:
    """Holds a 200 answer (a small JSON body) until it is whole, then moves its tokens into
    cookies; any other answer passes untouched."""
    held: dict[str, Message] = {}
    chunks: list[bytes] = []

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 200:
            held["start"] = message
            return
        if "start" not in held or message["type"] != "http.response.body":
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        start, body = held.pop("start"), b"".join(chunks)
        extra: list[Header] = []
        try:
            data = json.loads(body)
            access, refresh = data.pop("access_token"), data.pop("refresh_token")
            expires_in = int(data.get("expires_in", 0))
        except (ValueError, KeyError, TypeError, AttributeError):
            pass  # not a token pair: the caller gets what identity said
        else:
            body = json.dumps(data, ensure_ascii=False).encode()
            extra = cookies.session_cookies(access, refresh, expires_in, refresh_max_age_s)
        kept = [(n, v) for n, v in start.get("headers", ()) if n.lower() != b"content-length"]
        kept += [(b"content-length", str(len(body)).encode()), *extra]
        await send({**start, "headers": kept})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    return sending
