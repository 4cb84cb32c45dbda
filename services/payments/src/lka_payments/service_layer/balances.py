"""What the payments consumer does with billing's account states: keeps each account's balance,
so autopay knows the amount due without asking the accounts service (adapters/balances.py)."""

from __future__ import annotations

from lka_common.events.billing import BillingAccountUpdated
from lka_common.events.envelope import CloudEvent
from lka_common.uow import UnitOfWork
from lka_payments.adapters import balances


async def account_updated(uow: UnitOfWork, data: BillingAccountUpdated, event: CloudEvent) -> None:
    await balances.keep(uow.session, data)
