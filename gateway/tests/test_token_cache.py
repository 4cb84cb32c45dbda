"""The verified-token cache on its own, and the settings that say where tokens are checked."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from lka_common.auth import TokenVerifier
from lka_common.problems import Problem
from lka_common.testing.tokens import TokenFactory
from lka_gateway.settings import GatewaySettings
from lka_gateway.tokens import TokenCache


class CountingVerifier:
    """The real verifier, counting how often the cache asks it."""

    def __init__(self, tokens: TokenFactory) -> None:
        self._real = TokenVerifier(None, "lka-identity", "lka", jwks=tokens.jwks())
        self.calls = 0

    async def verify(self, token: str) -> Any:
        self.calls += 1
        return await self._real.verify(token)


async def test_a_verified_token_is_verified_once_until_its_time_is_up() -> None:
    tokens = TokenFactory()
    verifier = CountingVerifier(tokens)
    cache = TokenCache(verifier, size=2, keep_s=60)  # type: ignore[arg-type]
    user = uuid.uuid4()
    token = tokens.issue(user)
    first = await cache.verify(token)
    assert await cache.verify(token) is first
    assert verifier.calls == 1
    assert first.principal.user_id == user
    assert ("x-user-id", str(user)) in first.headers

    short = TokenCache(verifier, size=2, keep_s=0)  # type: ignore[arg-type]
    await short.verify(token)
    await short.verify(token)
    assert verifier.calls == 3


async def test_the_cache_is_bounded_and_never_keeps_a_refused_token() -> None:
    tokens = TokenFactory()
    verifier = CountingVerifier(tokens)
    cache = TokenCache(verifier, size=2, keep_s=60)  # type: ignore[arg-type]
    for _ in range(5):
        await cache.verify(tokens.issue())
    assert len(cache) == 2
    expired = tokens.issue(lifetime=timedelta(seconds=-1))
    for _ in range(2):
        with pytest.raises(Problem):
            await cache.verify(expired)
    assert verifier.calls == 7


def test_the_jwks_and_broker_addresses_follow_the_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LKA_AMQP_URL", "amqp://u:p@broker:5672/lka")
    settings = GatewaySettings(identity_url="http://127.0.0.1:9001/")
    assert settings.jwks_url == "http://127.0.0.1:9001/api/v1/.well-known/jwks.json"
    assert settings.revocations_url == "http://127.0.0.1:9001/api/v1/internal/revocations"
    assert settings.amqp_url == "amqp://u:p@broker:5672/lka"
    monkeypatch.setenv("LKA_GATEWAY_AMQP_URL", "amqp://gateway-only/")
    assert GatewaySettings().amqp_url == "amqp://gateway-only/"
    assert GatewaySettings().jwks_url == "http://127.0.0.1:8001/api/v1/.well-known/jwks.json"
