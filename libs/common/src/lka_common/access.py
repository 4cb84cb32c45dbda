"""Who may see which account: a consuming service's own projection of the accounts service's
link events (`accounts.account.linked.v1`, `unlinked.v1`) and of identity's merges
(`identity.profiles.merged.v1`), so reading, paying or writing to a subscriber never waits on
the accounts service.

The table is the service's own, passed in: one row per (`account_id`, `user_id`), with
`linked` and `changed_at`, the time of the event that last changed the pair, and any fields of
the events the service keeps in columns of the same names (payments: region and number).
Events come in any order (two queues, a redelivery, a handler retried after an outage); an
event older than the one that last changed its pair changes nothing. So an unlink that
overtakes its link leaves the access removed, and an unlinked pair keeps its row (`linked`
false) to remember when.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import structlog
from sqlalchemy import Boolean, Column, ColumnElement, DateTime, MetaData, Table, and_, select
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from lka_common.events.accounts import AccountLinked, AccountUnlinked
from lka_common.events.envelope import CloudEvent
from lka_common.events.identity import ProfilesMerged

log = structlog.get_logger(__name__)


def event_time(event: CloudEvent) -> datetime:
    """When the change happened, to order it against the others."""
    # Our own services always stamp `time`; without it the arrival is the best order we have.
    return event.time or datetime.now(UTC)


def access_table(name: str, metadata: MetaData, *details: Column[Any]) -> Table:
    """A service's table of the projection: the pair, whether it is linked, the time of the event
    that last changed it, and the event fields the service keeps (`details`, same names)."""
    return Table(
        name,
        metadata,
        Column("account_id", PG_UUID(as_uuid=True), primary_key=True),
        Column("user_id", PG_UUID(as_uuid=True), primary_key=True),
        Column("linked", Boolean, nullable=False),
        Column("changed_at", DateTime(timezone=True), nullable=False),
        *details,
    )


class AccessProjection:
    """One service's table of who may see which account, and the events applied to it."""

    def __init__(self, table: Table, *, details: tuple[str, ...] = ()) -> None:
        """`details`: fields of the link events the table keeps, in columns of the same names."""
        self.table = table
        self.details = details

    async def account_linked(self, session: AsyncSession, data: AccountLinked, event: CloudEvent) -> bool:
        """True when it changed the projection; False for an event older than the pair's last."""
        return await self._apply(session, data.account_id, data.user_id, True, event_time(event), self._of(data))

    async def account_unlinked(self, session: AsyncSession, data: AccountUnlinked, event: CloudEvent) -> bool:
        return await self._apply(session, data.account_id, data.user_id, False, event_time(event), self._of(data))

    async def profiles_merged(self, session: AsyncSession, data: ProfilesMerged, event: CloudEvent) -> None:
        """The source's accounts become the target's at once. The accounts service announces the
        same moves with its own `linked`/`unlinked` events, later: this only spares the target
        the wait, and those events, being newer, have the last word."""
        at = event_time(event)
        rows = (
            (await session.execute(select(self.table).where(self.table.c.user_id == data.source_user_id)))
            .mappings()
            .all()
        )
        for row in rows:
            if row["linked"]:
                details = {name: row[name] for name in self.details}
                await self._apply(session, row["account_id"], data.target_user_id, True, at, details)
                await self._apply(session, row["account_id"], data.source_user_id, False, at, details)

    def linked(
        self, account_id: UUID | ColumnElement[UUID], user_id: UUID | ColumnElement[UUID]
    ) -> ColumnElement[bool]:
        """The condition "this user may see this account now", for the service's own queries:
        on values, or on bound parameters of a statement compiled once (readings' asyncpg SQL)."""
        table = self.table
        return and_(table.c.account_id == account_id, table.c.user_id == user_id, table.c.linked.is_(True))

    async def linked_row(self, session: AsyncSession, account_id: UUID, user_id: UUID) -> RowMapping | None:
        """The pair's row while it is linked; None for an unlinked, foreign or unknown account alike."""
        return (await session.execute(select(self.table).where(self.linked(account_id, user_id)))).mappings().first()

    async def users_of(self, session: AsyncSession, account_id: UUID) -> list[UUID]:
        """Everyone the account is linked to now."""
        table = self.table
        query = select(table.c.user_id).where(table.c.account_id == account_id, table.c.linked.is_(True))
        return [row.user_id for row in (await session.execute(query)).all()]

    def _of(self, data: AccountLinked | AccountUnlinked) -> dict[str, Any]:
        return {name: getattr(data, name) for name in self.details}

    async def _apply(
        self,
        session: AsyncSession,
        account_id: UUID,
        user_id: UUID,
        linked: bool,
        at: datetime,
        details: dict[str, Any],
    ) -> bool:
        table = self.table
        values = {"account_id": account_id, "user_id": user_id, "linked": linked, "changed_at": at, **details}
        statement = insert(table).values(values)
        changed = statement.on_conflict_do_update(
            index_elements=[table.c.account_id, table.c.user_id],
            set_={name: statement.excluded[name] for name in ("linked", "changed_at", *details)},
            # Strictly newer: a repeat of the pair's last event (same time) changes nothing either.
            where=table.c.changed_at < statement.excluded.changed_at,
        ).returning(table.c.account_id)
        if (await session.execute(changed)).first() is not None:
            return True
        log.info("access_change_not_newer", account_id=str(account_id), user_id=str(user_id), linked=linked)
        return False
