"""SQL of the balance projection: what each account owes as billing last said (its events come
in any order: the newest `as_of` wins), and what was paid here since billing computed it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_common.events.billing import BillingAccountUpdated
from lka_payments.adapters.tables import account_balances, payments
from lka_payments.domain.autopay import amount_due


async def keep(session: AsyncSession, data: BillingAccountUpdated) -> None:
    values = dict(region_code=data.region_code, account_number=data.number, as_of=data.as_of)
    values.update(debt_kopecks=data.debt_kopecks, penalty_kopecks=data.penalty_kopecks)
    statement = insert(account_balances).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[account_balances.c.region_code, account_balances.c.account_number],
            set_={name: statement.excluded[name] for name in ("debt_kopecks", "penalty_kopecks", "as_of")},
            where=account_balances.c.as_of < statement.excluded.as_of,
        )
    )


async def due(session: AsyncSession, region_code: str, account_number: str) -> int:
    """The account's amount due now (domain/autopay.py, `amount_due`); 0 for one billing never told of."""
    balance = (
        await session.execute(
            select(account_balances).where(
                account_balances.c.region_code == region_code, account_balances.c.account_number == account_number
            )
        )
    ).first()
    if balance is None:
        return 0
    paid_since = await session.scalar(
        select(func.coalesce(func.sum(payments.c.amount_kopecks), 0)).where(
            payments.c.region_code == region_code,
            payments.c.account_number == account_number,
            payments.c.status == "succeeded",
            payments.c.paid_at > balance.as_of,
        )
    )
    return amount_due(balance.debt_kopecks, balance.penalty_kopecks, int(paid_since or 0))
