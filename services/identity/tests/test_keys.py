"""Signing keys: published as a JWKS, sealed at rest, rotated by a command, and an old key kept
until its tokens have expired (docs/contract.md §2, docs/quality.md item 5)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import jwt
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.serialization import load_der_private_key

from lka_common.testing.processes import free_port
from lka_identity.adapters.signing import KeySealer
from lka_identity.settings import IdentitySettings

Command = Callable[..., Awaitable[tuple[int, str, str]]]


def kid_of(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


async def test_the_jwks_publishes_public_es256_keys_only(portal: Any) -> None:
    response = await portal.get("/.well-known/jwks.json")

    assert response.status_code == 200
    assert "max-age" in response.headers["Cache-Control"]
    keys = response.json()["keys"]
    assert keys
    for key in keys:
        assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("EC", "P-256", "ES256", "sig")
        assert key["kid"] and key["x"] and key["y"]
        assert "d" not in key


async def test_private_keys_are_stored_sealed_under_the_configured_secret(
    db: asyncpg.Pool, settings: IdentitySettings
) -> None:
    row = await db.fetchrow("SELECT kid, private_key_encrypted FROM signing_keys ORDER BY created_at LIMIT 1")
    sealed = bytes(row["private_key_encrypted"])

    with pytest.raises(ValueError):
        load_der_private_key(sealed, password=None)
    with pytest.raises(InvalidTag):
        KeySealer("another-secret").open(row["kid"], sealed)
    with pytest.raises(InvalidTag):
        KeySealer(settings.key_encryption_secret.get_secret_value()).open("another-kid", sealed)
    assert KeySealer(settings.key_encryption_secret.get_secret_value()).open(row["kid"], sealed) is not None


async def test_rotation_adds_a_key_and_keeps_the_old_one_until_its_tokens_expire(
    portal: Any, db: asyncpg.Pool, command: Command
) -> None:
    person = await portal.signed_in()
    old_token = person.access_token
    old_kid = kid_of(old_token)

    code, out, err = await command("lka_identity.entrypoints.rotate_key")

    assert code == 0, err
    new_kid = await db.fetchval("SELECT kid FROM signing_keys WHERE retired_at IS NULL")
    assert new_kid != old_kid and new_kid in out
    assert await db.fetchval("SELECT retired_at FROM signing_keys WHERE kid = $1", old_kid) is not None
    # The API picks the new key up within its cache time; the old key's token keeps working.
    deadline = time.monotonic() + 10
    while kid_of((await portal.sign_in(portal.person(person.email))).access_token) != new_kid:
        assert time.monotonic() < deadline, "the API never started signing with the new key"
        await asyncio.sleep(0.2)
    published = {k["kid"] for k in (await portal.get("/.well-known/jwks.json")).json()["keys"]}
    assert {old_kid, new_kid} <= published
    assert (await portal.get("/profile", old_token)).status_code == 200


async def test_a_key_retired_longer_than_a_token_lives_is_no_longer_published(
    portal: Any, db: asyncpg.Pool, command: Command
) -> None:
    person = await portal.signed_in()
    code, _, err = await command("lka_identity.entrypoints.rotate_key")
    assert code == 0, err
    await db.execute(
        "UPDATE signing_keys SET retired_at = now() - interval '2 hours' WHERE kid = $1", kid_of(person.access_token)
    )

    deadline = time.monotonic() + 10
    while kid_of(person.access_token) in {
        k["kid"] for k in (await portal.get("/.well-known/jwks.json")).json()["keys"]
    }:
        assert time.monotonic() < deadline, "the long-retired key is still published"
        await asyncio.sleep(0.2)

    assert (await portal.get("/profile", person.access_token)).status_code == 401
    assert (await portal.sign_in(person)).access_token


async def test_revocations_in_force_are_those_younger_than_an_access_token(
    portal: Any, db: asyncpg.Pool, settings: IdentitySettings
) -> None:
    person = await portal.signed_in()
    await db.execute(
        "INSERT INTO revocations (user_id, session_id, revoked_at)"
        " VALUES ($1::uuid, NULL, now() - interval '16 minutes')",
        person.user_id,
    )
    await portal.post("/auth/logout", {}, token=person.access_token)

    response = await portal.get("/internal/revocations")

    assert response.status_code == 200
    mine = [r for r in response.json() if r["user_id"] == person.user_id]
    assert len(mine) == 1
    assert mine[0]["session_id"] is not None
    assert set(mine[0]) == {"user_id", "session_id", "revoked_at"}


async def test_the_api_starts_without_its_database_and_answers_503_not_500(serve: Any) -> None:
    nowhere = f"postgresql+asyncpg://lka_identity:x@127.0.0.1:{free_port()}/lka_identity"

    async with serve(database_url=nowhere, db_connect_timeout_s=0.5) as down:
        health = await down.get("/healthz")
        ready = await down.get("/readyz")
        jwks = await down.get("/api/v1/.well-known/jwks.json")
        login = await down.post("/api/v1/auth/login", json={"email": "a@example.ru", "password": "x" * 12})

    assert health.status_code == 200
    assert ready.status_code == jwks.status_code == login.status_code == 503
    assert login.headers["content-type"] == "application/problem+json"
