"""Payment history of an account: our online payments and those billing registered from
other channels (`billing.payment.registered.v1`), newest first, one page at a time."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping

from lka_common.events.billing import BillingPaymentRegistered
from lka_common.events.envelope import CloudEvent
from lka_common.uow import UnitOfWork
from lka_payments.adapters import repository
from lka_payments.adapters.tables import billing_payments
from lka_payments.domain.errors import NotFound

# Billing's registrations of our own payments are left out: the online row already shows them.
_HISTORY = text(
    """
    SELECT id::text AS id, amount_kopecks, status, 'online' AS source, 'lka' AS channel,
           card_brand, pan_masked, created_at, paid_at
      FROM payments WHERE account_id = :account_id
    UNION ALL
    SELECT billing_payment_id, amount_kopecks, 'succeeded', 'billing', channel,
           NULL, NULL, paid_at, paid_at
      FROM billing_payments
     WHERE region_code = :region_code AND account_number = :number AND lka_payment_id IS NULL
    ORDER BY created_at DESC, id DESC
    LIMIT :limit OFFSET :offset
    """
)


async def payment_registered(uow: UnitOfWork, data: BillingPaymentRegistered, event: CloudEvent) -> None:
    values = data.model_dump(include={"billing_payment_id", "region_code", "account_number", "amount_kopecks"})
    values.update(paid_at=data.paid_at, channel=data.channel, lka_payment_id=data.lka_payment_id)
    await uow.session.execute(insert(billing_payments).values(**values).on_conflict_do_nothing())


async def history_of(
    uow: UnitOfWork, user_id: uuid.UUID, account_id: uuid.UUID, limit: int, offset: int
) -> list[RowMapping]:
    async with uow:
        account = await repository.access(uow.session, account_id, user_id)
        if account is None:
            raise NotFound
        params = dict(account_id=account_id, region_code=account["region_code"], number=account["account_number"])
        rows = await uow.session.execute(_HISTORY, {**params, "limit": limit, "offset": offset})
        return list(rows.mappings())
