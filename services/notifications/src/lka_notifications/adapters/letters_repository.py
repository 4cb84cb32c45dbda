"""The delivery log: what was sent to whom, how many attempts, the last error (never a secret)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_notifications.adapters.tables import letters
from lka_notifications.domain.model import LetterState, LetterStatus


async def lock_recipient(session: AsyncSession, recipient: str) -> None:
    """Letters to one address one at a time, until this transaction ends."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"letters:{recipient.lower()}"})


async def status_of(session: AsyncSession, letter_key: str) -> LetterState | None:
    """The letter's place in the log; None for a letter never tried."""
    row = (
        await session.execute(select(letters.c.status, letters.c.attempts).where(letters.c.letter_key == letter_key))
    ).first()
    return LetterState(row.status, row.attempts) if row else None


async def sent_since(session: AsyncSession, recipient: str, since: datetime, templates: Collection[str]) -> int:
    """How many letters of these templates went to `recipient` since then (in any letter case,
    as `lock_recipient` takes it: one mailbox, one count)."""
    count = (
        await session.execute(
            select(func.count())
            .select_from(letters)
            .where(
                func.lower(letters.c.recipient) == recipient.lower(),
                letters.c.status == "sent",
                letters.c.sent_at >= since,
                letters.c.template.in_(sorted(templates)),
            )
        )
    ).scalar_one()
    return int(count)


async def record(
    session: AsyncSession,
    *,
    letter_key: str,
    message_id: str,
    template: str,
    recipient: str,
    user_id: UUID | None,
    status: LetterStatus,
    attempts: int,
    last_error: str | None = None,
) -> None:
    """Insert or update the letter's row (one row per letter key)."""
    now = func.now()
    values = {
        "letter_key": letter_key,
        "message_id": message_id,
        "template": template,
        "recipient": recipient,
        "user_id": user_id,
        "status": status,
        "attempts": attempts,
        "last_error": last_error,
        "created_at": now,
        "updated_at": now,
        "sent_at": now if status == "sent" else None,
    }
    statement = insert(letters).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[letters.c.letter_key],
            set_={
                "status": statement.excluded.status,
                "attempts": statement.excluded.attempts,
                "last_error": statement.excluded.last_error,
                "updated_at": now,
                "sent_at": statement.excluded.sent_at,
            },
        )
    )
