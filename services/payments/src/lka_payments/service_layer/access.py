"""Who may see and pay an account: a local projection of accounts' link events (lka_common.access,
ordered by the events' time), so paying never waits on the accounts service (and works while
it is down)."""

from __future__ import annotations

from lka_common.events.accounts import AccountLinked, AccountUnlinked
from lka_common.events.envelope import CloudEvent
from lka_common.uow import UnitOfWork
from lka_payments.adapters.access import links


async def account_linked(uow: UnitOfWork, data: AccountLinked, event: CloudEvent) -> None:
    await links.account_linked(uow.session, data, event)


async def account_unlinked(uow: UnitOfWork, data: AccountUnlinked, event: CloudEvent) -> None:
    await links.account_unlinked(uow.session, data, event)
