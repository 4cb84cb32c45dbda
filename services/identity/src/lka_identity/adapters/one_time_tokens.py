"""Confirmation and reset tokens, stored by their SHA-256 only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lka_identity.adapters.tables import one_time_tokens
from lka_identity.domain.opaque_tokens import TokenPurpose


@dataclass(frozen=True)
class OpenToken:
    token_hash: str
    user_id: UUID


async def add(
    session: AsyncSession, token_hash: str, user_id: UUID, purpose: TokenPurpose, now: datetime, expires_at: datetime
) -> None:
    await session.execute(
        insert(one_time_tokens).values(
            token_hash=token_hash, user_id=user_id, purpose=purpose.value, created_at=now, expires_at=expires_at
        )
    )


async def find_open(
    session: AsyncSession, token_hash: str, purpose: TokenPurpose, now: datetime, *, for_update: bool = False
) -> OpenToken | None:
    """The token if it exists for this purpose, is unused and has not expired."""
    query = select(one_time_tokens.c.token_hash, one_time_tokens.c.user_id).where(
        one_time_tokens.c.token_hash == token_hash,
        one_time_tokens.c.purpose == purpose.value,
        one_time_tokens.c.used_at.is_(None),
        one_time_tokens.c.expires_at > now,
    )
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return OpenToken(row.token_hash, row.user_id) if row else None


async def find_spent(session: AsyncSession, token_hash: str, purpose: TokenPurpose, now: datetime) -> OpenToken | None:
    """The token if it exists for this purpose, was used (it or a newer letter's token of the
    same user) and has not expired: its letter reached the mailbox, and was opened before."""
    query = select(one_time_tokens.c.token_hash, one_time_tokens.c.user_id).where(
        one_time_tokens.c.token_hash == token_hash,
        one_time_tokens.c.purpose == purpose.value,
        one_time_tokens.c.used_at.is_not(None),
        one_time_tokens.c.expires_at > now,
    )
    row = (await session.execute(query)).first()
    return OpenToken(row.token_hash, row.user_id) if row else None


async def use_all(session: AsyncSession, user_id: UUID, purpose: TokenPurpose, now: datetime) -> None:
    """Spend the user's open tokens of this purpose: the one used, and the older letters' too."""
    await session.execute(
        update(one_time_tokens)
        .where(
            one_time_tokens.c.user_id == user_id,
            one_time_tokens.c.purpose == purpose.value,
            one_time_tokens.c.used_at.is_(None),
        )
        .values(used_at=now)
    )
