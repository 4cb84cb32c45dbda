"""Access tokens that must not open anything (docs/quality.md item 5): each is a 401 problem, never a 500."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from lka_common.db import make_engine, make_sessionmaker
from lka_common.uow import UnitOfWork
from lka_identity.adapters.signing import SigningKey, sign
from lka_identity.service_layer.keys import KeyRing
from lka_identity.settings import IdentitySettings


@pytest.fixture
async def real_key(settings: IdentitySettings) -> AsyncIterator[SigningKey]:
    """The key identity signs with, opened from its database as identity does."""
    engine = make_engine(settings, pool_size=1)
    sessionmaker = make_sessionmaker(engine)
    ring = KeyRing(lambda: UnitOfWork(sessionmaker, settings.source), settings)
    now = datetime.now(UTC)
    await ring.start(now)
    yield await ring.signing_key(now)
    await engine.dispose()


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims_of(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def forged_signature(token: str, key: SigningKey) -> str:
    other = ec.generate_private_key(ec.SECP256R1())
    return jwt.encode(claims_of(token), other, algorithm="ES256", headers={"kid": key.kid})


def alg_none(token: str, key: SigningKey) -> str:
    return f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': key.kid})}.{b64(claims_of(token))}."


def hs256_with_the_public_key(token: str, key: SigningKey) -> str:
    # The classic algorithm confusion: the public JWK as an HMAC secret (built by hand, since
    # PyJWT itself refuses to make such a token).
    signing_input = f"{b64({'alg': 'HS256', 'typ': 'JWT', 'kid': key.kid})}.{b64(claims_of(token))}"
    secret = json.dumps(key.public_jwk).encode()
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def resigned(**changes: Any) -> Callable[[str, SigningKey], str]:
    def make(token: str, key: SigningKey) -> str:
        return sign({**claims_of(token), **changes}, key)

    return make


def expired(token: str, key: SigningKey) -> str:
    past = int((datetime.now(UTC) - timedelta(minutes=20)).timestamp())
    return sign({**claims_of(token), "iat": past, "exp": past + 900}, key)


def unknown_kid(token: str, key: SigningKey) -> str:
    return jwt.encode(claims_of(token), key.private_key, algorithm="ES256", headers={"kid": "no-such-key"})


FORGERIES: dict[str, Callable[[str, SigningKey], str]] = {
    "forged signature": forged_signature,
    "alg none": alg_none,
    "HS256 with the public key": hs256_with_the_public_key,
    "expired": expired,
    "wrong audience": resigned(aud="another-portal"),
    "wrong issuer": resigned(iss="someone-else"),
    "not an access token": resigned(typ="refresh"),
    "unknown kid": unknown_kid,
    "garbage": lambda token, key: "not.a.jwt",
}


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
async def test_a_forged_or_unfit_access_token_is_401(
    portal: Any, real_key: SigningKey, forge: Callable[[str, SigningKey], str]
) -> None:
    person = await portal.signed_in()
    assert (await portal.get("/profile", person.access_token)).status_code == 200

    response = await portal.get("/profile", forge(person.access_token, real_key))

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "unauthorized"


async def test_a_refresh_token_is_not_an_access_token(portal: Any) -> None:
    person = await portal.signed_in()

    response = await portal.get("/profile", person.refresh_token)

    assert response.status_code == 401


async def test_a_valid_signature_for_a_session_identity_never_opened_is_401(portal: Any, real_key: SigningKey) -> None:
    person = await portal.signed_in()

    response = await portal.get(
        "/profile", resigned(sid="00000000-0000-4000-8000-000000000000")(person.access_token, real_key)
    )

    assert response.status_code == 401


async def test_profile_without_a_token_is_401(portal: Any) -> None:
    response = await portal.get("/profile")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
