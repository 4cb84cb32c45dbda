"""Supervisors' invitations to the staff (and the renewals a reset of the second factor sends):
by the token's SHA-256 only, single use, expiring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lka_identity.adapters.tables import staff_invitations
from lka_identity.domain.users import email_key


@dataclass(frozen=True)
class Invitation:
    id: UUID
    email: str
    role: str
    # Set for a renewal: the staff profile whose second factor was reset.
    user_id: UUID | None
    expires_at: datetime


async def add(
    session: AsyncSession,
    invitation: Invitation,
    token_hash: str,
    invited_by: UUID,
    now: datetime,
) -> None:
    await session.execute(
        insert(staff_invitations).values(
            id=invitation.id,
            token_hash=token_hash,
            email=invitation.email,
            role=invitation.role,
            user_id=invitation.user_id,
            invited_by=invited_by,
            created_at=now,
            expires_at=invitation.expires_at,
        )
    )


async def find_open(
    session: AsyncSession, token_hash: str, now: datetime, *, for_update: bool = False
) -> Invitation | None:
    query = select(staff_invitations).where(
        staff_invitations.c.token_hash == token_hash,
        staff_invitations.c.used_at.is_(None),
        staff_invitations.c.expires_at > now,
    )
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    if row is None:
        return None
    return Invitation(row.id, row.email, row.role, row.user_id, row.expires_at)


async def close_open(session: AsyncSession, email: str, now: datetime) -> None:
    """Every open invitation to the address: used by its acceptance, or replaced by a newer one."""
    await session.execute(
        update(staff_invitations)
        .where(func.lower(staff_invitations.c.email) == email_key(email), staff_invitations.c.used_at.is_(None))
        .values(used_at=now)
    )
