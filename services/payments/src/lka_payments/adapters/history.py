"""SQL of an account's payment history: billing's registrations, kept as they come, and the one
query that lists them with the online payments the caller may see (domain/model.py,
`SHARED_STATUSES`)."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_common.events.billing import BillingPaymentRegistered
from lka_payments.adapters.tables import billing_payments
from lka_payments.domain.model import SHARED_STATUSES, HistoryItem

# The caller's own online payments in any status, others' only in a shared status, and without
# their card: the brand and masked number of the card another profile paid with are that
# person's, a co-owner learns that the account was paid, not with what. Billing's registrations
# of our own payments are left out: the online row already shows them.
_HISTORY = text(
    """
    SELECT id::text AS id, amount_kopecks, status, 'online' AS source, 'lka' AS channel,
           CASE WHEN user_id = :user_id THEN card_brand END AS card_brand,
           CASE WHEN user_id = :user_id THEN pan_masked END AS pan_masked,
           created_at, paid_at
      FROM payments
     WHERE account_id = :account_id AND (user_id = :user_id OR status = ANY(:shared))
    UNION ALL
    SELECT billing_payment_id, amount_kopecks, 'succeeded', 'billing', channel,
           NULL, NULL, paid_at, paid_at
      FROM billing_payments
     WHERE region_code = :region_code AND account_number = :number AND lka_payment_id IS NULL
    ORDER BY created_at DESC, id DESC
    LIMIT :limit OFFSET :offset
    """
)


async def save_registration(session: AsyncSession, data: BillingPaymentRegistered) -> None:
    """Keep billing's registration once (billing may send it again)."""
    values = data.model_dump(include={"billing_payment_id", "region_code", "account_number", "amount_kopecks"})
    values.update(paid_at=data.paid_at, channel=data.channel, lka_payment_id=data.lka_payment_id)
    await session.execute(insert(billing_payments).values(**values).on_conflict_do_nothing())


async def of_account(
    session: AsyncSession,
    user_id: uuid.UUID,
    account_id: uuid.UUID,
    region_code: str,
    number: str,
    limit: int,
    offset: int,
) -> list[HistoryItem]:
    """Newest first, as `user_id` sees them: our payments by the account's id, billing's by its
    region and number."""
    params = dict(account_id=account_id, region_code=region_code, number=number, limit=limit, offset=offset)
    params.update(user_id=user_id, shared=list(SHARED_STATUSES))
    rows = await session.execute(_HISTORY, params)
    return [HistoryItem(**row) for row in rows.mappings()]
