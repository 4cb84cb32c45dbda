"""User rows: found by address or id, created, confirmed, re-hashed, merged, removed; staff
listed, disabled and enabled.

There is no way here to change a role: it is set when the row is made, so no subscriber's
profile can turn into staff (and migration 0004 refuses that in the database as well).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_identity.adapters import second_factor
from lka_identity.adapters.tables import consents, one_time_tokens, refresh_tokens, sessions, users
from lka_identity.domain.users import STAFF_ROLES, SUBSCRIBER_ROLE, User, email_key


def _user(row: Any) -> User:
    return User(
        id=row.id,
        email=row.email,
        password_hash=row.password_hash,
        role=row.role,
        created_at=row.created_at,
        email_confirmed_at=row.email_confirmed_at,
        merged_into=row.merged_into,
        disabled_at=row.disabled_at,
    )


async def by_email(session: AsyncSession, email: str, *, for_update: bool = False) -> User | None:
    query = select(users).where(func.lower(users.c.email) == email_key(email))
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return _user(row) if row else None


async def by_id(session: AsyncSession, user_id: UUID, *, for_update: bool = False) -> User | None:
    query = select(users).where(users.c.id == user_id)
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return _user(row) if row else None


async def merged_into(session: AsyncSession, user: User) -> User | None:
    """The live profile a merged one ended up in: the one it was merged into, or, if that was
    merged on in turn, the end of the chain (merges only point at profiles that could sign in
    then, so a chain cannot loop). None for a profile that was never merged."""
    current = user
    seen = {user.id}
    while current.merged_into is not None:
        found = await by_id(session, current.merged_into)
        if found is None or found.id in seen:
            return None
        seen.add(found.id)
        current = found
    return None if current is user else current


async def add_if_new(session: AsyncSession, user: User, now: datetime) -> bool:
    """Insert the user unless its address is taken (also by a concurrent registration)."""
    statement = (
        pg_insert(users)
        .values(
            id=user.id,
            email=user.email,
            password_hash=user.password_hash,
            role=user.role,
            created_at=now,
            email_confirmed_at=user.email_confirmed_at,
            password_changed_at=now,
        )
        .on_conflict_do_nothing()
        .returning(users.c.id)
    )
    return (await session.execute(statement)).first() is not None


async def record_consent(
    session: AsyncSession, user_id: UUID, text_version: str, given_at: datetime, client_address: str | None
) -> None:
    await session.execute(
        insert(consents).values(
            user_id=user_id, text_version=text_version, given_at=given_at, client_address=client_address
        )
    )


async def confirm_email(session: AsyncSession, user_id: UUID, now: datetime) -> None:
    await session.execute(
        update(users).where(users.c.id == user_id, users.c.email_confirmed_at.is_(None)).values(email_confirmed_at=now)
    )


async def set_password_hash(session: AsyncSession, user_id: UUID, password_hash: str, now: datetime) -> None:
    await session.execute(
        update(users).where(users.c.id == user_id).values(password_hash=password_hash, password_changed_at=now)
    )


async def rehash(session: AsyncSession, user_id: UUID, old_hash: str, new_hash: str) -> None:
    """A stronger hash of the same password; skipped if the password changed meanwhile."""
    await session.execute(
        update(users).where(users.c.id == user_id, users.c.password_hash == old_hash).values(password_hash=new_hash)
    )


async def mark_merged(session: AsyncSession, source_id: UUID, target_id: UUID, now: datetime) -> None:
    await session.execute(update(users).where(users.c.id == source_id).values(merged_into=target_id, merged_at=now))


async def lapsed_registrations(session: AsyncSession, registered_before: datetime, limit: int) -> list[UUID]:
    """Up to `limit` lapsed registrations (`User.lapsed`, said again in SQL), locked; rows a
    registration is replacing right now are skipped, not waited for.

    One a merge points at is left alone (its removal would break the reference); none should
    exist, since a merge's target is signed in and so confirmed.
    """
    merged_here = users.alias("merged_here")
    query = (
        select(users.c.id)
        .where(
            users.c.role == SUBSCRIBER_ROLE,
            users.c.email_confirmed_at.is_(None),
            users.c.created_at <= registered_before,
            ~exists().where(merged_here.c.merged_into == users.c.id),
        )
        .limit(limit)
        .with_for_update(of=users, skip_locked=True)
    )
    return list((await session.execute(query)).scalars())


async def remove(session: AsyncSession, user_ids: Sequence[UUID]) -> None:
    """Delete the users and every row that names them (their consent, one-time tokens, sessions
    and refresh tokens), in the caller's transaction: all of it goes, or none.

    The outbox keeps the messages already written about them (they are the record of what was
    sent), and the attempt counters are kept by address, so removing a row resets no limit.
    """
    if not user_ids:
        return
    ids = list(user_ids)
    families = select(sessions.c.id).where(sessions.c.user_id.in_(ids))
    await session.execute(delete(refresh_tokens).where(refresh_tokens.c.family_id.in_(families)))
    await session.execute(delete(sessions).where(sessions.c.user_id.in_(ids)))
    await session.execute(delete(one_time_tokens).where(one_time_tokens.c.user_id.in_(ids)))
    await session.execute(delete(consents).where(consents.c.user_id.in_(ids)))
    await session.execute(delete(users).where(users.c.id.in_(ids)))


# --- Staff (docs/contract.md §4 "Staff management") -------------------------------------------


@dataclass(frozen=True)
class StaffMember:
    id: UUID
    email: str
    role: str
    disabled_at: datetime | None
    mfa_enrolled: bool
    last_sign_in_at: datetime | None
    created_at: datetime


async def staff(session: AsyncSession, limit: int, offset: int) -> list[StaffMember]:
    """Staff profiles, newest first, with whether each has a second factor."""
    rows = await session.execute(
        select(*users.c, second_factor.enrolled_clause(users.c.id).label("mfa_enrolled"))
        .where(users.c.role.in_(sorted(STAFF_ROLES)))
        .order_by(users.c.created_at.desc(), users.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [_staff_member(row) for row in rows]


async def staff_member(session: AsyncSession, user_id: UUID, *, for_update: bool = False) -> StaffMember | None:
    query = select(*users.c, second_factor.enrolled_clause(users.c.id).label("mfa_enrolled")).where(
        users.c.id == user_id, users.c.role.in_(sorted(STAFF_ROLES))
    )
    if for_update:
        query = query.with_for_update(of=users)
    row = (await session.execute(query)).first()
    return _staff_member(row) if row else None


def _staff_member(row: Any) -> StaffMember:
    return StaffMember(
        row.id, row.email, row.role, row.disabled_at, bool(row.mfa_enrolled), row.last_sign_in_at, row.created_at
    )


async def set_disabled(session: AsyncSession, user_id: UUID, disabled_at: datetime | None) -> None:
    await session.execute(update(users).where(users.c.id == user_id).values(disabled_at=disabled_at))


async def record_sign_in(session: AsyncSession, user_id: UUID, now: datetime) -> None:
    await session.execute(update(users).where(users.c.id == user_id).values(last_sign_in_at=now))
