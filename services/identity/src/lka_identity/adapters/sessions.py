"""Sessions (one per sign-in), their refresh tokens (the session is the family), and the
revocations the gateway must honour while the access tokens concerned can still be alive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lka_identity.adapters.tables import refresh_tokens, revocations, sessions, users


@dataclass(frozen=True)
class RefreshRecord:
    family_id: UUID
    user_id: UUID
    expires_at: datetime
    rotated_at: datetime | None
    session_revoked_at: datetime | None
    # A staff session's absolute end; None for a subscriber's.
    session_expires_at: datetime | None = None


@dataclass(frozen=True)
class Revocation:
    user_id: UUID
    session_id: UUID | None
    revoked_at: datetime


async def open_session(
    session: AsyncSession,
    session_id: UUID,
    user_id: UUID,
    now: datetime,
    client_address: str | None,
    expires_at: datetime | None = None,
    user_agent: str | None = None,
) -> None:
    await session.execute(
        insert(sessions).values(
            id=session_id,
            user_id=user_id,
            created_at=now,
            client_address=client_address,
            expires_at=expires_at,
            user_agent=user_agent,
        )
    )


async def add_refresh_token(
    session: AsyncSession, token_hash: str, family_id: UUID, now: datetime, expires_at: datetime
) -> None:
    await session.execute(
        insert(refresh_tokens).values(token_hash=token_hash, family_id=family_id, issued_at=now, expires_at=expires_at)
    )


async def refresh_record(session: AsyncSession, token_hash: str) -> RefreshRecord | None:
    """The token with its session, locked: two refreshes with one token are serialised, so the
    second is seen as the reuse it is."""
    row = (
        await session.execute(
            select(
                refresh_tokens.c.family_id,
                sessions.c.user_id,
                refresh_tokens.c.expires_at,
                refresh_tokens.c.rotated_at,
                sessions.c.revoked_at,
                sessions.c.expires_at.label("session_expires_at"),
            )
            .join(sessions, sessions.c.id == refresh_tokens.c.family_id)
            .where(refresh_tokens.c.token_hash == token_hash)
            .with_for_update(of=refresh_tokens)
        )
    ).first()
    if row is None:
        return None
    return RefreshRecord(
        row.family_id, row.user_id, row.expires_at, row.rotated_at, row.revoked_at, row.session_expires_at
    )


async def mark_rotated(session: AsyncSession, token_hash: str, now: datetime) -> None:
    await session.execute(
        update(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash).values(rotated_at=now)
    )


async def is_live(session: AsyncSession, session_id: UUID, user_id: UUID) -> bool:
    """The session exists, belongs to the user, is not ended or past its end (staff), and the
    user is neither merged away nor disabled."""
    row = (
        await session.execute(
            select(sessions.c.id)
            .join(users, users.c.id == sessions.c.user_id)
            .where(
                sessions.c.id == session_id,
                sessions.c.user_id == user_id,
                sessions.c.revoked_at.is_(None),
                or_(sessions.c.expires_at.is_(None), sessions.c.expires_at > func.now()),
                users.c.merged_into.is_(None),
                users.c.disabled_at.is_(None),
            )
        )
    ).first()
    return row is not None


async def revoke(session: AsyncSession, session_id: UUID, now: datetime, reason: str) -> bool:
    """End one session; False when it had already ended."""
    result = await session.execute(
        update(sessions)
        .where(sessions.c.id == session_id, sessions.c.revoked_at.is_(None))
        .values(revoked_at=now, revoke_reason=reason)
        .returning(sessions.c.id)
    )
    return result.first() is not None


async def revoke_all(
    session: AsyncSession, user_id: UUID, now: datetime, reason: str, *, keep: UUID | None = None
) -> list[UUID]:
    """End the user's live sessions (but `keep`); returns the ones ended."""
    query = update(sessions).where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
    if keep is not None:
        query = query.where(sessions.c.id != keep)
    result = await session.execute(query.values(revoked_at=now, revoke_reason=reason).returning(sessions.c.id))
    return [row.id for row in result]


async def add_revocation(session: AsyncSession, user_id: UUID, session_id: UUID | None, now: datetime) -> None:
    await session.execute(insert(revocations).values(user_id=user_id, session_id=session_id, revoked_at=now))


async def revocations_since(session: AsyncSession, since: datetime) -> list[Revocation]:
    rows = await session.execute(
        select(revocations.c.user_id, revocations.c.session_id, revocations.c.revoked_at)
        .where(revocations.c.revoked_at > since)
        .order_by(revocations.c.revoked_at.desc(), revocations.c.id.desc())
    )
    return [Revocation(row.user_id, row.session_id, row.revoked_at) for row in rows]
