"""Browser sessions (BFF): sign-in sets `__Host-` cookies instead of answering the tokens,
calls then run on the cookies with a CSRF double submit on unsafe methods, refresh reads the
refresh cookie, logout clears them all; Bearer clients see none of it. Other cookies reach the
services as they came, and none that is or could be read as a session cookie."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from http.cookies import SimpleCookie
from typing import Any

import aiohttp
import pytest
from fastapi import APIRouter

from lka_common.auth import MaybeUser
from lka_common.settings import ServiceSettings
from lka_common.testing.http import serve_in_background
from lka_common.testing.tokens import TokenFactory
from lka_common.web import create_app

COOKIE_MODE = {"X-Session-Mode": "cookie", "X-Test-Behaviour": "tokens"}
NAMES = ("__Host-lka_access", "__Host-lka_refresh", "__Host-lka_csrf")
DEVICE = "__Host-lka_device"


def _set_cookies(response: aiohttp.ClientResponse) -> dict[str, SimpleCookie]:
    parsed = {}
    for header in response.headers.getall("Set-Cookie", []):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        parsed.update({name: cookie for name in cookie})
    return parsed


async def _sign_in(gateway: str, session: aiohttp.ClientSession, token: str) -> dict[str, str]:
    """Signs in in cookie mode; the cookies a browser would now hold."""
    headers = {**COOKIE_MODE, "X-Test-Token": token}
    async with session.post(gateway + "/api/v1/auth/login", headers=headers, json={}) as response:
        assert response.status == 200
        body = await response.json()
        cookies = _set_cookies(response)
    assert "access_token" not in body and "refresh_token" not in body
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    assert set(cookies) == {*NAMES, DEVICE}  # a browser without a device cookie gets one too
    for name, cookie in cookies.items():
        morsel = cookie[name]
        assert morsel["secure"] and morsel["path"] == "/" and morsel["samesite"] == "Strict"
        assert not morsel["domain"]
        assert bool(morsel["httponly"]) == (name != "__Host-lka_csrf")  # the script reads only that one
    assert cookies["__Host-lka_access"]["__Host-lka_access"].value == token
    return {name: cookie[name].value for name, cookie in cookies.items()}


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


async def test_sign_in_without_cookie_mode_answers_the_tokens_as_before(
    gateway: str, anonymous: aiohttp.ClientSession
) -> None:
    headers = {"X-Test-Behaviour": "tokens", "X-Test-Token": "t"}
    async with anonymous.post(gateway + "/api/v1/auth/login", headers=headers) as response:
        assert (await response.json())["access_token"] == "t"
        assert "Set-Cookie" not in response.headers


async def test_a_cookie_session_signs_in_and_needs_csrf_on_unsafe_calls(
    gateway: str, anonymous: aiohttp.ClientSession, tokens: TokenFactory
) -> None:
    user_id = uuid.uuid4()
    jar = await _sign_in(gateway, anonymous, tokens.issue(user_id))
    cookie = {"Cookie": _cookie_header(jar) + "; theme=dark"}
    async with anonymous.get(gateway + "/api/v1/profile", headers=cookie) as response:
        received = dict((await response.json())["headers"])
    assert received["x-user-id"] == str(user_id)
    assert received["authorization"] == f"Bearer {jar['__Host-lka_access']}"
    assert received["cookie"] == "theme=dark"  # the tokens never reach a service as cookies
    url = gateway + "/api/v1/accounts"
    for csrf in (None, "wrong"):
        headers = {**cookie, "X-CSRF-Token": csrf} if csrf else cookie
        async with anonymous.post(url, headers=headers) as response:
            assert response.status == 403
            assert (await response.json())["code"] == "csrf_failed"
    async with anonymous.post(url, headers={**cookie, "X-CSRF-Token": jar["__Host-lka_csrf"]}) as response:
        assert response.status == 200
        assert (await response.json())["service"] == "accounts"


async def test_refresh_reads_the_refresh_cookie_and_sets_new_ones(
    gateway: str, anonymous: aiohttp.ClientSession, tokens: TokenFactory
) -> None:
    jar = await _sign_in(gateway, anonymous, tokens.issue())
    headers = {**COOKIE_MODE, "X-Test-Token": tokens.issue(), "Cookie": _cookie_header(jar)}
    url = gateway + "/api/v1/auth/refresh"
    async with anonymous.post(url, headers=headers) as response:
        assert response.status == 403  # a cookie-borne refresh is an unsafe call like any other
    async with anonymous.post(url, headers={**headers, "X-CSRF-Token": jar["__Host-lka_csrf"]}) as response:
        assert response.status == 200
        body = await response.json()
        renewed = _set_cookies(response)
    assert body["received"] == f'{{"refresh_token": "{jar["__Host-lka_refresh"]}"}}'
    assert set(renewed) == set(NAMES)
    assert renewed["__Host-lka_refresh"]["__Host-lka_refresh"].value != jar["__Host-lka_refresh"]


async def test_logout_clears_the_cookies(gateway: str, anonymous: aiohttp.ClientSession, tokens: TokenFactory) -> None:
    jar = await _sign_in(gateway, anonymous, tokens.issue())
    headers = {"Cookie": _cookie_header(jar), "X-CSRF-Token": jar["__Host-lka_csrf"]}
    async with anonymous.post(gateway + "/api/v1/auth/logout", headers=headers) as response:
        assert response.status == 200  # the stand-in's echo; identity says 204
        cleared = _set_cookies(response)
    assert set(cleared) == set(NAMES)
    for name, cookie in cleared.items():
        assert cookie[name].value == "" and cookie[name]["max-age"] == "0"


async def test_a_stale_access_cookie_does_not_make_sign_in_need_csrf(
    gateway: str, anonymous: aiohttp.ClientSession, tokens: TokenFactory
) -> None:
    jar = await _sign_in(gateway, anonymous, tokens.issue())
    headers = {**COOKIE_MODE, "X-Test-Token": tokens.issue(), "Cookie": _cookie_header(jar)}
    async with anonymous.post(gateway + "/api/v1/auth/login", headers=headers) as response:
        assert response.status == 200


# `Cookie:` chunks that some reading makes an access cookie: a quoted value with an escaped
# `;` (`\073`), unquoted and written out again, would be a real `lka_access` for a service.
SMUGGLED = [
    pytest.param('x="\\073lka_access={token}"', id="escaped-semicolon"),
    pytest.param('x="a\\073 lka_access={token}"', id="escaped-semicolon-and-space"),
    pytest.param('x="\\154ka_access={token}"', id="escaped-letter"),
    pytest.param("lka_access={token}", id="the-services-old-name"),
    pytest.param('lka_access="{token}"', id="the-services-old-name-quoted"),
    pytest.param("LKA_ACCESS={token}", id="upper-case"),
    pytest.param("__host-lka_access={token}", id="prefix-in-lower-case"),
    pytest.param("%6Cka_access={token}", id="percent-encoded"),
]
# Third-party cookies, as a browser may send them: these go on byte for byte.
THIRD_PARTY = 'theme=dark; _ga=GA1.2.3.4; pref="a b\\073c"; empty='


@pytest.mark.parametrize("smuggled", SMUGGLED)
async def test_a_smuggled_access_cookie_authenticates_nothing(
    gateway: str, anonymous: aiohttp.ClientSession, tokens: TokenFactory, smuggled: str
) -> None:
    cookie = {"Cookie": f"{THIRD_PARTY}; {smuggled.format(token=tokens.issue())}"}
    for method, path in (("GET", "/api/v1/profile"), ("POST", "/api/v1/accounts"), ("POST", "/api/v1/auth/logout")):
        async with anonymous.request(method, gateway + path, headers=cookie) as response:
            assert response.status == 401, (method, path)
    # Where no token is needed the call goes on, with the other cookies exactly as they came.
    async with anonymous.get(gateway + "/api/v1/regions", headers=cookie) as response:
        received = dict((await response.json())["headers"])
    assert received["cookie"] == THIRD_PARTY
    assert "authorization" not in received


async def test_several_cookie_headers_are_read_as_one_and_forwarded_as_one(
    gateway: str, anonymous: aiohttp.ClientSession, tokens: TokenFactory
) -> None:
    jar = await _sign_in(gateway, anonymous, tokens.issue())
    headers = [
        ("Cookie", "theme=dark"),
        ("Cookie", f'x="\\073lka_access={tokens.issue()}"; __Host-lka_access={jar["__Host-lka_access"]}'),
        ("Cookie", 'pref="a b"'),
    ]
    async with anonymous.get(gateway + "/api/v1/profile", headers=headers) as response:
        received = (await response.json())["headers"]
    assert [value for name, value in received if name == "cookie"] == ['theme=dark; pref="a b"']
    assert ["authorization", f"Bearer {jar['__Host-lka_access']}"] in received


class ProbeSettings(ServiceSettings):
    service_name = "probe"


@pytest.fixture
async def real_notifications(tokens: TokenFactory, amqp_url: str) -> AsyncIterator[str]:
    """A service as they are all built (lka_common.web.create_app), in the stand-in's place:
    its feedback call says whom the token dependency took the caller for."""
    router = APIRouter()

    @router.post("/feedback")
    async def feedback(user: MaybeUser) -> dict[str, Any]:
        return {"user_id": str(user.user_id) if user else None}

    settings = ProbeSettings(jwks_json=tokens.jwks_json(), amqp_url=amqp_url)
    async with serve_in_background(create_app(settings, title="probe", routers=[router])) as url:
        yield url


@pytest.mark.parametrize("smuggled", SMUGGLED)
async def test_a_smuggled_cookie_signs_nobody_in_at_a_real_service_behind_the_gateway(
    gateway_with: Any, anonymous: aiohttp.ClientSession, tokens: TokenFactory, real_notifications: str, smuggled: str
) -> None:
    cookie = {"Cookie": f"theme=dark; {smuggled.format(token=tokens.issue())}"}
    async with (
        gateway_with(notifications_url=real_notifications) as gateway,
        anonymous.post(gateway + "/api/v1/feedback", headers=cookie) as response,
    ):
        assert response.status == 200
        assert await response.json() == {"user_id": None}


def _echoed(body: dict[str, Any]) -> dict[str, str]:
    return dict(body["headers"])


async def test_a_cookie_sign_in_gives_the_browser_a_device_id_and_tells_identity(
    gateway: str, anonymous: aiohttp.ClientSession
) -> None:
    """The letter about a sign-in from a new browser (docs/contract.md §4): the browser is known by
    a random HttpOnly `__Host-` cookie of its own, which identity sees only as `X-Device-Id`."""
    url = gateway + "/api/v1/auth/login"
    forged = {"X-Session-Mode": "cookie", "X-Device-Id": "A" * 43}
    async with anonymous.post(url, headers=forged, json={}) as response:
        assert response.status == 200  # the stand-in's echo
        received = _echoed(await response.json())
        set_cookies = _set_cookies(response)
    assert set(set_cookies) == {DEVICE}
    morsel = set_cookies[DEVICE][DEVICE]
    assert morsel["httponly"] and morsel["secure"] and morsel["path"] == "/" and morsel["samesite"] == "Strict"
    assert not morsel["domain"] and morsel["max-age"] == str(400 * 24 * 3600)
    device = morsel.value
    assert len(device) == 43 and received["x-device-id"] == device  # the caller's own header is not believed

    known = {"X-Session-Mode": "cookie", "Cookie": f"theme=dark; {DEVICE}={device}"}
    async with anonymous.post(url, headers=known, json={}) as response:
        received = _echoed(await response.json())
        assert DEVICE not in _set_cookies(response)  # kept, not renewed
    assert received["x-device-id"] == device
    assert received["cookie"] == "theme=dark"  # the device cookie itself never reaches a service

    bad = {"X-Session-Mode": "cookie", "Cookie": f"{DEVICE}=not-ours"}
    async with anonymous.post(url, headers=bad, json={}) as response:
        replaced = _set_cookies(response)[DEVICE][DEVICE].value
        assert _echoed(await response.json())["x-device-id"] == replaced != "not-ours"


async def test_only_a_cookie_sign_in_carries_a_device_id_and_sign_out_keeps_it(
    gateway: str, anonymous: aiohttp.ClientSession, tokens: TokenFactory
) -> None:
    device = "B" * 43
    jar = await _sign_in(gateway, anonymous, tokens.issue())
    # A Bearer sign-in (an API client) has no device: a header it sends is stripped.
    async with anonymous.post(gateway + "/api/v1/auth/login", headers={"X-Device-Id": device}, json={}) as response:
        assert "x-device-id" not in _echoed(await response.json())
    # Other calls never carry it, cookie or not.
    cookie = {"Cookie": f"{_cookie_header(jar)}; {DEVICE}={device}", "X-Device-Id": device}
    async with anonymous.get(gateway + "/api/v1/profile", headers=cookie) as response:
        assert "x-device-id" not in _echoed(await response.json())
    async with anonymous.post(
        gateway + "/api/v1/auth/logout", headers={**cookie, "X-CSRF-Token": jar["__Host-lka_csrf"]}
    ) as response:
        assert DEVICE not in _set_cookies(response)  # the browser stays known after signing out
