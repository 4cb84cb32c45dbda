"""The regions (reference data seeded by a migration)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lka_accounts.adapters.tables import regions
from lka_accounts.domain.model import Region


async def all_regions(session: AsyncSession) -> list[Region]:
    rows = await session.execute(select(regions.c.code, regions.c.name).order_by(regions.c.position))
    return [Region(code=row.code, name=row.name) for row in rows]


async def exists(session: AsyncSession, code: str) -> bool:
    found = await session.execute(select(regions.c.code).where(regions.c.code == code))
    return found.first() is not None
