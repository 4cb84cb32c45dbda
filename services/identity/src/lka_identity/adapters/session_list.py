"""The signed-in user's live sessions as the session list shows them (`GET /profile/sessions`).

A session is live while it is not ended, not past its end (a staff session's 8 hours), and its
newest refresh token can still be used. It was last seen when that token was issued: at its
sign-in or its latest refresh, which the browser makes every 15 minutes while it is in use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lka_identity.adapters.tables import refresh_tokens, sessions


@dataclass(frozen=True)
class LiveSession:
    id: UUID
    created_at: datetime
    last_seen_at: datetime
    client_address: str | None
    user_agent: str | None


async def live_sessions(
    session: AsyncSession, user_id: UUID, now: datetime, limit: int, offset: int
) -> list[LiveSession]:
    """The user's live sessions, the most recently used first."""
    usable = and_(refresh_tokens.c.rotated_at.is_(None), refresh_tokens.c.expires_at > now)
    last_seen = func.max(refresh_tokens.c.issued_at).label("last_seen_at")
    query = (
        select(sessions.c.id, sessions.c.created_at, sessions.c.client_address, sessions.c.user_agent, last_seen)
        .join(refresh_tokens, refresh_tokens.c.family_id == sessions.c.id)
        .where(
            sessions.c.user_id == user_id,
            sessions.c.revoked_at.is_(None),
            or_(sessions.c.expires_at.is_(None), sessions.c.expires_at > now),
        )
        .group_by(sessions.c.id)
        .having(func.bool_or(usable))
        .order_by(last_seen.desc(), sessions.c.id)
        .limit(limit)
        .offset(offset)
    )
    rows = await session.execute(query)
    return [LiveSession(r.id, r.created_at, r.last_seen_at, r.client_address, r.user_agent) for r in rows]


async def is_open(session: AsyncSession, user_id: UUID, session_id: UUID) -> bool:
    """The session is the user's and not ended (another user's is as good as none)."""
    row = (
        await session.execute(
            select(sessions.c.id).where(
                sessions.c.id == session_id, sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None)
            )
        )
    ).first()
    return row is not None
