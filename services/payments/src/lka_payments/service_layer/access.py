"""Who may see and pay an account: a local projection of accounts' link events, so paying
never waits on the accounts service (and works while it is down)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert

from lka_common.events.accounts import AccountLinked, AccountUnlinked
from lka_common.events.envelope import CloudEvent
from lka_common.uow import UnitOfWork
from lka_payments.adapters.tables import account_access


async def account_linked(uow: UnitOfWork, data: AccountLinked, event: CloudEvent) -> None:
    values = dict(account_id=data.account_id, user_id=data.user_id, region_code=data.region_code)
    await uow.session.execute(
        insert(account_access).values(**values, account_number=data.account_number).on_conflict_do_nothing()
    )


async def account_unlinked(uow: UnitOfWork, data: AccountUnlinked, event: CloudEvent) -> None:
    await uow.session.execute(
        delete(account_access).where(
            account_access.c.account_id == data.account_id, account_access.c.user_id == data.user_id
        )
    )
