"""Signing-key rows: the sealed private key, the public JWK, and when the key was retired."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from lka_common.auth import ALGORITHM
from lka_identity.adapters.signing import KeySealer, SigningKey
from lka_identity.adapters.tables import signing_keys


async def lock(session: AsyncSession) -> None:
    """One key change at a time across replicas and the rotation command."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('identity:signing_keys'))"))


async def in_use(session: AsyncSession, sealer: KeySealer, retired_after: datetime) -> list[SigningKey]:
    """Active keys and those retired after `retired_after` (their tokens may still be alive),
    newest first."""
    rows = await session.execute(
        select(signing_keys)
        .where(or_(signing_keys.c.retired_at.is_(None), signing_keys.c.retired_at > retired_after))
        .order_by(signing_keys.c.created_at.desc())
    )
    return [
        SigningKey(
            kid=row.kid,
            private_key=sealer.open(row.kid, row.private_key_encrypted),
            public_jwk=dict(row.public_jwk),
            created_at=row.created_at,
            retired_at=row.retired_at,
        )
        for row in rows
    ]


async def has_active(session: AsyncSession) -> bool:
    return (
        await session.execute(select(signing_keys.c.kid).where(signing_keys.c.retired_at.is_(None)))
    ).first() is not None


async def add(session: AsyncSession, kid: str, public_jwk: dict[str, Any], sealed: bytes, now: datetime) -> None:
    await session.execute(
        insert(signing_keys).values(
            kid=kid, algorithm=ALGORITHM, public_jwk=public_jwk, private_key_encrypted=sealed, created_at=now
        )
    )


async def retire_active(session: AsyncSession, now: datetime) -> None:
    await session.execute(update(signing_keys).where(signing_keys.c.retired_at.is_(None)).values(retired_at=now))
