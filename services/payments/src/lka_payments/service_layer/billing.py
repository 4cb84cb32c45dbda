"""What the payments consumer does with billing's registrations of payments: keeps them for the
history, where those paid through other channels show beside our online ones."""

from __future__ import annotations

from lka_common.events.billing import BillingPaymentRegistered
from lka_common.events.envelope import CloudEvent
from lka_common.uow import UnitOfWork
from lka_payments.adapters import history


async def payment_registered(uow: UnitOfWork, data: BillingPaymentRegistered, event: CloudEvent) -> None:
    await history.save_registration(uow.session, data)
