"""Link requests (заявки): created by a subscriber, edited by them, decided by an operator."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import and_, delete, exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lka_accounts.adapters.tables import link_requests
from lka_accounts.domain.model import LinkRequest, RequestStatus


def _request(row: Any) -> LinkRequest:
    return LinkRequest(**row._mapping)


async def add(session: AsyncSession, request: LinkRequest) -> None:
    await session.execute(insert(link_requests).values(**vars(request)))


async def get(
    session: AsyncSession, request_id: UUID, *, user_id: UUID | None = None, for_update: bool = False
) -> LinkRequest | None:
    """One request; with `user_id`, only if it is that user's (ownership checked in the query)."""
    query = select(link_requests).where(link_requests.c.id == request_id)
    if user_id is not None:
        query = query.where(link_requests.c.user_id == user_id)
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return _request(row) if row else None


async def pending_for(session: AsyncSession, user_id: UUID, region_code: str, number: str) -> LinkRequest | None:
    row = (
        await session.execute(
            select(link_requests)
            .where(
                link_requests.c.user_id == user_id,
                link_requests.c.region_code == region_code,
                link_requests.c.number == number,
                link_requests.c.status == "pending",
            )
            .with_for_update()
        )
    ).first()
    return _request(row) if row else None


async def of_user(session: AsyncSession, user_id: UUID, limit: int, offset: int) -> list[LinkRequest]:
    rows = await session.execute(
        select(link_requests)
        .where(link_requests.c.user_id == user_id)
        .order_by(link_requests.c.created_at.desc(), link_requests.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [_request(row) for row in rows]


async def by_status(session: AsyncSession, status: RequestStatus | None, limit: int, offset: int) -> list[LinkRequest]:
    query = select(link_requests)
    if status is not None:
        query = query.where(link_requests.c.status == status)
    rows = await session.execute(
        query.order_by(link_requests.c.created_at.desc(), link_requests.c.id).limit(limit).offset(offset)
    )
    return [_request(row) for row in rows]


async def change(session: AsyncSession, request_id: UUID, **values: Any) -> LinkRequest:
    """Update a request's fields and return it as it now is."""
    row = (
        await session.execute(
            update(link_requests).where(link_requests.c.id == request_id).values(**values).returning(link_requests)
        )
    ).one()
    return _request(row)


async def move(session: AsyncSession, source: UUID, target: UUID) -> None:
    """Give the source user's requests to the target (a merge).

    A pending request of the source for an account the target is already asking for would be a
    second open request for the same account: it is dropped, the target's one stays.
    """
    theirs = link_requests.alias("theirs")
    duplicate = exists().where(
        and_(
            theirs.c.user_id == target,
            theirs.c.status == "pending",
            theirs.c.region_code == link_requests.c.region_code,
            theirs.c.number == link_requests.c.number,
        )
    )
    await session.execute(
        delete(link_requests).where(link_requests.c.user_id == source, link_requests.c.status == "pending", duplicate)
    )
    await session.execute(update(link_requests).where(link_requests.c.user_id == source).values(user_id=target))
