"""`reminder_accounts`: each account of the access projection as the reading-window reminder asks
about it (adapters/tables.py), kept as billing's meter events and the accounts service's link
events arrive (service_layer/projections.py), so that a batch of the reminder reads its thousand
accounts from one range of a key instead of probing meters, billing's readings and links for each.

An account's row is computed again whole from those tables, never adjusted by a delta: events may
repeat or come out of order, and a recomputation is right whatever came before it. Two events of
one account in two transactions at once (two meters of one account, a link as a meter arrives)
would each compute without the other's change; a transaction-level advisory lock per account
serialises them, and each computes in a statement begun after it holds the lock, so the later one
sees what the earlier committed.
"""

from __future__ import annotations

from sqlalchemy import Insert, and_, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by, insert
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from lka_readings.adapters.tables import account_links, accounts, billing_readings, meters, reminder_accounts

_NO_USERS = literal([], ARRAY(PG_UUID(as_uuid=True)))


def _facts_of_accounts(where: ColumnElement[bool] | None) -> Insert:
    own_meters = and_(meters.c.region_code == accounts.c.region_code, meters.c.account_number == accounts.c.number)
    in_service = select(func.coalesce(func.bool_or(meters.c.removed.is_(False)), False)).where(own_meters)
    billed_on = (
        select(func.max(billing_readings.c.taken_on))
        .join_from(meters, billing_readings, billing_readings.c.meter_id == meters.c.id)
        .where(own_meters)
    )
    users = select(
        func.coalesce(func.array_agg(aggregate_order_by(account_links.c.user_id, account_links.c.user_id)), _NO_USERS)
    ).where(account_links.c.account_id == accounts.c.id, account_links.c.linked.is_(True))
    facts = select(
        accounts.c.id,
        accounts.c.number,
        in_service.scalar_subquery(),
        billed_on.scalar_subquery(),
        users.scalar_subquery(),
    )
    if where is not None:
        facts = facts.where(where)
    statement = insert(reminder_accounts).from_select(
        ["account_id", "number", "in_service", "billed_on", "users"], facts.order_by(accounts.c.id)
    )
    new = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[reminder_accounts.c.account_id],
        set_={"number": new.number, "in_service": new.in_service, "billed_on": new.billed_on, "users": new.users},
    )


def every_account() -> Insert:
    """Every account's row computed from the tables (benchmarks/reminders_data.py fills with it)."""
    return _facts_of_accounts(None)


async def refresh(session: AsyncSession, region_code: str, number: str) -> None:
    """Compute the account's row again, in the caller's transaction, after its meters or links
    changed there; nothing when the access projection has no such account (nobody has linked it:
    the link's event computes the row when it comes)."""
    lock = func.pg_advisory_xact_lock(func.hashtext(f"reminder_accounts:{region_code}/{number}"))
    await session.execute(select(lock))
    await session.execute(_facts_of_accounts(and_(accounts.c.region_code == region_code, accounts.c.number == number)))
