"""Item 5 of the outside review: a smuggled cookie rode past the CSRF check.

`Cookie: x="\\073lka_access=<token>"` was unquoted by the gateway's cookie parser and written
out again as a real `lka_access` cookie, which the services took as a token: another site
that got hold of a token could make a browser act without the CSRF header. The gateway now
forwards the Cookie header's own chunks, never re-serialised, and the only session cookies
are its `__Host-` ones, which need `X-CSRF-Token` on every unsafe call.
"""

from __future__ import annotations

import httpx
import pytest
from attack_support import V1, link_body, subscriber

from lka_common.testing.stack import Stack


def smuggling(token: str) -> list[str]:
    return [
        f'x="\\073lka_access={token}"',  # an escaped ';' inside a quoted value
        f'x="a\\073 lka_access={token}"',
        f"lka_access={token}",  # the services' own cookie name, sent from outside
        f'lka_access="{token}"',
    ]


@pytest.mark.parametrize("case", range(4))
async def test_a_smuggled_access_cookie_authenticates_nothing(
    http: httpx.AsyncClient, attack_stack: Stack, case: int
) -> None:
    _, _, headers = await subscriber(http, attack_stack.mail, "cookie")
    token = headers["Authorization"].removeprefix("Bearer ")
    cookie = {"Cookie": smuggling(token)[case]}

    profile = await http.get(f"{V1}/profile", headers=cookie)
    linked = await http.post(f"{V1}/accounts", json=link_body("simferopol", "91000101", "ЖЖЖ"), headers=cookie)
    logout = await http.post(f"{V1}/auth/logout", headers=cookie)

    assert [profile.status_code, linked.status_code, logout.status_code] == [401, 401, 401], (
        profile.text,
        linked.text,
        logout.text,
    )
    assert (await http.get(f"{V1}/profile", headers=headers)).status_code == 200  # not signed out by it
    assert (await http.get(f"{V1}/link-requests", headers=headers)).json() == []


async def test_the_real_session_cookie_still_needs_the_csrf_header(
    http: httpx.AsyncClient, attack_stack: Stack
) -> None:
    _, _, headers = await subscriber(http, attack_stack.mail, "csrf")
    token = headers["Authorization"].removeprefix("Bearer ")
    cookie = {"Cookie": f"__Host-lka_access={token}; __Host-lka_csrf=known"}
    refused = await http.post(f"{V1}/accounts", json=link_body("simferopol", "91000101", "ЖЖЖ"), headers=cookie)
    assert refused.status_code == 403, refused.text
    read = await http.get(f"{V1}/profile", headers=cookie)
    assert read.status_code == 200, read.text
