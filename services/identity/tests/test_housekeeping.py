"""Rows no rule needs any more are swept; rows still in use are not."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from lka_common.db import make_engine, make_sessionmaker
from lka_identity.adapters import housekeeping
from lka_identity.settings import IdentitySettings


async def test_expired_tokens_and_old_revocations_are_swept_live_ones_kept(
    portal: Any, db: asyncpg.Pool, settings: IdentitySettings
) -> None:
    person = await portal.signed_in()
    live = hashlib.sha256(person.refresh_token.encode()).hexdigest()
    stale = await portal.sign_in(portal.person(person.email))
    stale_hash = hashlib.sha256(stale.refresh_token.encode()).hexdigest()
    await db.execute(
        "UPDATE refresh_tokens SET expires_at = now() - interval '2 days' WHERE token_hash = $1", stale_hash
    )
    await db.execute(
        "INSERT INTO revocations (user_id, session_id, revoked_at) VALUES ($1::uuid, NULL, now() - interval '2 days')",
        person.user_id,
    )
    engine = make_engine(settings, pool_size=1)
    try:
        async with make_sessionmaker(engine)() as session:
            await housekeeping.prune(session, datetime.now(UTC), timedelta(days=7))
            await session.commit()
    finally:
        await engine.dispose()

    assert await db.fetchval("SELECT count(*) FROM refresh_tokens WHERE token_hash = $1", stale_hash) == 0
    assert await db.fetchval("SELECT count(*) FROM refresh_tokens WHERE token_hash = $1", live) == 1
    assert await db.fetchval("SELECT count(*) FROM revocations WHERE revoked_at < now() - interval '1 day'") == 0
