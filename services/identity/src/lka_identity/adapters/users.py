"""User rows: found by address or id, created, confirmed, re-hashed, promoted, merged."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_identity.adapters.tables import consents, users
from lka_identity.domain.users import User, email_key


def _user(row: Any) -> User:
    return User(
        id=row.id,
        email=row.email,
        password_hash=row.password_hash,
        role=row.role,
        created_at=row.created_at,
        email_confirmed_at=row.email_confirmed_at,
        merged_into=row.merged_into,
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


async def promote(session: AsyncSession, user_id: UUID, role: str, now: datetime) -> None:
    await session.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(role=role, email_confirmed_at=func.coalesce(users.c.email_confirmed_at, now))
    )


async def mark_merged(session: AsyncSession, source_id: UUID, target_id: UUID, now: datetime) -> None:
    await session.execute(update(users).where(users.c.id == source_id).values(merged_into=target_id, merged_at=now))
