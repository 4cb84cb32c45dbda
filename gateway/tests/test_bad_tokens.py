"""Every kind of bad token is a 401 problem, in the header or in the cookie, never a 500."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import aiohttp
import jwt
import pytest

from lka_common.testing.tokens import TokenFactory

PROBLEM = "application/problem+json"


async def _refused(response: aiohttp.ClientResponse) -> None:
    assert response.status == 401
    assert response.content_type == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    problem = await response.json(content_type=PROBLEM)
    assert problem["code"] == "unauthorized"
    assert any("а" <= ch <= "я" for ch in problem["detail"])  # Russian, for a person


def _bad_tokens() -> dict[str, Callable[[TokenFactory], str]]:
    def forged(tokens: TokenFactory) -> str:
        impostor = TokenFactory()
        impostor.kid = tokens.kid  # the right key id, signed with another key
        return impostor.issue()

    def tampered(tokens: TokenFactory) -> str:
        header, _, signature = tokens.issue(role="subscriber").split(".")
        payload = jwt.utils.base64url_encode(b'{"sub": "%s", "role": "operator"}' % str(uuid.uuid4()).encode())
        return f"{header}.{payload.decode()}.{signature}"

    def unsigned(tokens: TokenFactory) -> str:
        now = datetime.now(UTC)
        claims = {"sub": str(uuid.uuid4()), "aud": "lka", "iss": "lka-identity", "typ": "access", "jti": "x"}
        claims |= {"iat": now, "exp": now + timedelta(minutes=5)}
        return jwt.encode(claims, None, algorithm="none", headers={"kid": tokens.kid})

    return {
        "forged": forged,
        "tampered": tampered,
        "alg_none": unsigned,
        "unknown_key": lambda _: TokenFactory().issue(),
        "expired": lambda t: t.issue(lifetime=timedelta(seconds=-1)),
        "refresh_type": lambda t: t.issue(typ="refresh"),
        "wrong_audience": lambda t: t.issue(aud="elsewhere"),
        "wrong_issuer": lambda t: t.issue(iss="someone-else"),
        "not_a_user_id": lambda t: t.issue(sub="admin"),
        "garbage": lambda _: "not.a.jwt",
        "non_ascii": lambda _: "токен",
    }


@pytest.mark.parametrize("kind", list(_bad_tokens()))
@pytest.mark.parametrize("carrier", ["header", "cookie"])
async def test_a_bad_token_is_a_401_never_a_500(
    gateway: str, anonymous: aiohttp.ClientSession, tokens: TokenFactory, kind: str, carrier: str
) -> None:
    token = _bad_tokens()[kind](tokens)
    headers = {"Authorization": f"Bearer {token}"} if carrier == "header" else {"Cookie": f"__Host-lka_access={token}"}
    async with anonymous.get(gateway + "/api/v1/profile", headers=headers) as response:
        await _refused(response)
