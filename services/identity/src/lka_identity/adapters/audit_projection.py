"""Identity's copy of every service's audit records (table `audit_projection`): written by the
consumer from `<service>.audit.recorded.v1`, searched by supervisors (GET /operator/audit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_common.audit import AuditRecord
from lka_identity.adapters.tables import audit_projection


@dataclass(frozen=True)
class AuditFilter:
    """What a supervisor searches by; None is any. `since` is inclusive, `until` exclusive."""

    actor_user_id: UUID | None = None
    action: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class CopiedRecord:
    service: str
    record: AuditRecord


async def add(session: AsyncSession, service: str, record: AuditRecord) -> None:
    """Keep a record; one already kept (the same event again) stays as it was."""
    statement = insert(audit_projection).values(service=service, **record.model_dump())
    await session.execute(statement.on_conflict_do_nothing(constraint="audit_projection_pkey"))


async def search(session: AsyncSession, found_by: AuditFilter, limit: int, offset: int) -> list[CopiedRecord]:
    """Newest first (several records of one moment: by service, then newest id)."""
    table = audit_projection.c
    conditions = []
    if found_by.actor_user_id is not None:
        conditions.append(table.actor_user_id == found_by.actor_user_id)
    if found_by.action is not None:
        conditions.append(table.action == found_by.action)
    if found_by.object_id is not None:
        conditions.append(table.object_id == found_by.object_id)
    if found_by.since is not None:
        conditions.append(table.at >= found_by.since)
    if found_by.until is not None:
        conditions.append(table.at < found_by.until)
    statement = (
        select(audit_projection)
        .where(*conditions)
        .order_by(table.at.desc(), table.service, table.id.desc())
        .limit(limit)
        .offset(offset)
    )
    rows = (await session.execute(statement)).mappings().all()
    return [
        CopiedRecord(row["service"], AuditRecord.model_validate({k: v for k, v in row.items() if k != "service"}))
        for row in rows
    ]
