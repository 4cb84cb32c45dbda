"""Appeals, their messages and files, the per-year numbering, and the staff seen at the desk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_notifications.adapters.tables import (
    appeal_attachments,
    appeal_counters,
    appeal_messages,
    appeal_staff,
    appeals,
)
from lka_notifications.domain.appeals import (
    AWAITING_SUPPLIER,
    Appeal,
    AppealMessage,
    AppealStatus,
    AppealThread,
    AttachmentInfo,
)
from lka_notifications.domain.attachments import StoredFile


async def next_number(session: AsyncSession, year: int) -> int:
    """The year's next number. The upsert locks the year's row until this transaction ends, so
    two registrations take consecutive numbers in commit order, and a rollback leaves no gap."""
    statement = pg_insert(appeal_counters).values(year=year, last_number=1)
    statement = statement.on_conflict_do_update(
        index_elements=[appeal_counters.c.year], set_={"last_number": appeal_counters.c.last_number + 1}
    )
    return int((await session.execute(statement.returning(appeal_counters.c.last_number))).scalar_one())


async def add(session: AsyncSession, appeal: Appeal) -> None:
    await session.execute(insert(appeals).values(**_row(appeal)))


async def add_message(
    session: AsyncSession, appeal_id: UUID, message: AppealMessage, files: Sequence[StoredFile]
) -> tuple[AttachmentInfo, ...]:
    await session.execute(
        insert(appeal_messages).values(
            id=message.id,
            appeal_id=appeal_id,
            author=message.author,
            author_user_id=message.author_user_id,
            text=message.text,
            at=message.at,
        )
    )
    stored = []
    for file in files:
        info = AttachmentInfo(uuid4(), file.name, len(file.content), file.content_type)
        await session.execute(
            insert(appeal_attachments).values(
                id=info.id,
                appeal_id=appeal_id,
                message_id=message.id,
                name=info.name,
                content_type=info.content_type,
                size=info.size,
                content=file.content,
            )
        )
        stored.append(info)
    return tuple(stored)


async def get(session: AsyncSession, appeal_id: UUID, *, for_update: bool = False) -> Appeal | None:
    query = select(appeals).where(appeals.c.id == appeal_id)
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).mappings().first()
    return Appeal(**row) if row else None


async def change(
    session: AsyncSession, appeal_id: UUID, status: AppealStatus, assignee_id: UUID | None, now: datetime
) -> None:
    await session.execute(
        update(appeals).where(appeals.c.id == appeal_id).values(status=status, assignee_id=assignee_id, updated_at=now)
    )


async def thread(session: AsyncSession, appeal: Appeal) -> AppealThread:
    messages = (
        await session.execute(
            select(appeal_messages)
            .where(appeal_messages.c.appeal_id == appeal.id)
            .order_by(appeal_messages.c.at, appeal_messages.c.id)
        )
    ).mappings()
    files = (
        await session.execute(
            select(
                appeal_attachments.c.id,
                appeal_attachments.c.message_id,
                appeal_attachments.c.name,
                appeal_attachments.c.size,
                appeal_attachments.c.content_type,
            )
            .where(appeal_attachments.c.appeal_id == appeal.id)
            .order_by(appeal_attachments.c.name, appeal_attachments.c.id)
        )
    ).mappings()
    by_message: dict[UUID, list[AttachmentInfo]] = {}
    for f in files:
        by_message.setdefault(f["message_id"], []).append(
            AttachmentInfo(f["id"], f["name"], f["size"], f["content_type"])
        )
    return AppealThread(
        appeal,
        tuple(
            AppealMessage(
                id=m["id"],
                author=m["author"],
                author_user_id=m["author_user_id"],
                text=m["text"],
                at=m["at"],
                attachments=tuple(by_message.get(m["id"], ())),
            )
            for m in messages
        ),
    )


async def of_user(session: AsyncSession, user_id: UUID, limit: int, offset: int) -> list[Appeal]:
    query = (
        select(appeals)
        .where(appeals.c.user_id == user_id)
        .order_by(appeals.c.registered_at.desc(), appeals.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [Appeal(**row) for row in (await session.execute(query)).mappings()]


async def for_staff(
    session: AsyncSession,
    *,
    status: AppealStatus | None,
    assignee_id: UUID | None,
    overdue_on: date | None,
    limit: int,
    offset: int,
) -> list[Appeal]:
    """The desk's list, the earliest due first (`overdue_on`: only those overdue on that day)."""
    conditions: list[Any] = []
    if status is not None:
        conditions.append(appeals.c.status == status)
    if assignee_id is not None:
        conditions.append(appeals.c.assignee_id == assignee_id)
    if overdue_on is not None:
        conditions += [appeals.c.status.in_(sorted(AWAITING_SUPPLIER)), appeals.c.due_date < overdue_on]
    query = (
        select(appeals)
        .where(and_(True, *conditions))
        .order_by(appeals.c.due_date, appeals.c.registered_at, appeals.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [Appeal(**row) for row in (await session.execute(query)).mappings()]


async def attachment(
    session: AsyncSession, appeal_id: UUID, attachment_id: UUID
) -> tuple[AttachmentInfo, bytes] | None:
    row = (
        (
            await session.execute(
                select(appeal_attachments).where(
                    appeal_attachments.c.id == attachment_id, appeal_attachments.c.appeal_id == appeal_id
                )
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    return AttachmentInfo(row["id"], row["name"], row["size"], row["content_type"]), bytes(row["content"])


async def remember_staff(session: AsyncSession, user_id: UUID, role: str, now: datetime) -> None:
    statement = pg_insert(appeal_staff).values(user_id=user_id, role=role, seen_at=now)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[appeal_staff.c.user_id], set_={"role": statement.excluded.role, "seen_at": func.now()}
        )
    )


async def is_known_staff(session: AsyncSession, user_id: UUID) -> bool:
    found = await session.execute(select(appeal_staff.c.user_id).where(appeal_staff.c.user_id == user_id))
    return found.first() is not None


def _row(appeal: Appeal) -> dict[str, Any]:
    return {
        "id": appeal.id,
        "number": appeal.number,
        "user_id": appeal.user_id,
        "account_id": appeal.account_id,
        "topic": appeal.topic,
        "status": appeal.status,
        "assignee_id": appeal.assignee_id,
        "registered_at": appeal.registered_at,
        "due_date": appeal.due_date,
        "updated_at": appeal.updated_at,
    }
