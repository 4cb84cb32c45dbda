"""Billing's verdict on a reading (the consumer's side). A reading is stored by
adapters/submissions.py and read back by adapters/reads.py, both on asyncpg itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, update
from sqlalchemy.ext.asyncio import AsyncSession

from lka_readings.adapters.tables import readings


@dataclass(frozen=True)
class Decided:
    """A reading billing has just given its (first) verdict on."""

    id: UUID
    account_id: UUID
    region_code: str
    account_number: str


async def decide(
    session: AsyncSession, reading_id: UUID, status: str, reason: str | None, at: datetime
) -> Decided | None:
    """Take billing's verdict if it is the first; None for a second verdict or an unknown reading."""
    row = (
        await session.execute(
            update(readings)
            .where(and_(readings.c.id == reading_id, readings.c.status == "submitted"))
            .values(status=status, status_reason=reason, decided_at=at)
            .returning(readings.c.id, readings.c.account_id, readings.c.region_code, readings.c.account_number)
        )
    ).first()
    return Decided(row.id, row.account_id, row.region_code, row.account_number) if row else None
