"""What the accounts consumer does with billing's events and with our own portal payments.

Billing is not ours: its events may come twice, late or out of order. The inbox absorbs exact
duplicates; `as_of` orders the states of an account (the newest wins, whatever the arrival
order); a portal payment is pending from `payments.payment.succeeded.v1` until billing's
`billing.payment.registered.v1` names it, in whichever order the two arrive.
"""

from __future__ import annotations

import structlog

from lka_accounts.adapters import regions, registry
from lka_common.events.billing import BillingAccountUpdated, BillingPaymentRegistered
from lka_common.events.envelope import CloudEvent
from lka_common.events.payments import PaymentSucceeded
from lka_common.messaging.errors import PermanentError
from lka_common.uow import UnitOfWork

log = structlog.get_logger(__name__)


async def account_updated(uow: UnitOfWork, data: BillingAccountUpdated, event: CloudEvent) -> None:
    if not await regions.exists(uow.session, data.region_code):
        # Retrying cannot help: the region list is ours and billing broke it. Dead-lettered at
        # once, so someone looks at it and the events behind it flow on.
        raise PermanentError(f"unknown region_code {data.region_code!r}")
    changed = await registry.save(uow.session, data)
    if not changed:
        log.info("billing_account_not_newer", region_code=data.region_code, number=data.number, as_of=str(data.as_of))


async def payment_registered(uow: UnitOfWork, data: BillingPaymentRegistered, event: CloudEvent) -> None:
    if data.lka_payment_id is None:
        return  # paid at a bank or a post office: it was never pending here
    await registry.register_portal_payment(
        uow.session,
        data.lka_payment_id,
        data.region_code,
        data.account_number,
        data.amount_kopecks,
        data.billing_payment_id,
        data.paid_at,
    )


async def payment_succeeded(uow: UnitOfWork, data: PaymentSucceeded, event: CloudEvent) -> None:
    await registry.record_portal_payment(
        uow.session, data.payment_id, data.region_code, data.account_number, data.amount_kopecks, data.paid_at
    )
