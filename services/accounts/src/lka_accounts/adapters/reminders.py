"""The debt reminder's claims in `reminders_sent`, set-based: one statement claims a batch's
accounts that are due and returns the letters to write, one row per (claimed account, user
linked to it now).

The claim is `INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING`: an account already claimed
for the bill's period (an earlier run, or another runner's batch that committed first) returns
nothing, so its letters are never written twice. Rows go in in the accounts' id order, so two
runners racing over one batch wait for each other in one order and never deadlock. The caller
writes the letters in the same transaction (service_layer/debt_reminder.py).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple
from uuid import UUID

from sqlalchemy import BigInteger, cast, exists, func, literal, select, true
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_accounts.adapters.registry import pending_kopecks
from lka_accounts.adapters.tables import account_links, billing_accounts, bills, reminders_sent
from lka_accounts.domain.reminders import DEBT

CLAIMED_COLUMNS = ["kind", "account_id", "period", "recipients", "sent_at"]


class Span(NamedTuple):
    """One batch's accounts: the linked ones with ids in (after, last]."""

    last: UUID
    size: int


class DebtLetter(NamedTuple):
    """A claimed account's reminder to one of its subscribers."""

    account_id: UUID
    account_number: str
    owed_kopecks: int
    period: str
    due_date: date
    user_id: UUID


async def linked_span(session: AsyncSession, after: UUID, limit: int) -> Span | None:
    """The next `limit` accounts someone is linked to, by id after `after` (account_links_account_idx:
    a batch's cost does not depend on the registry's size or on how many are due), or None."""
    ids = (
        await session.scalars(
            select(account_links.c.account_id)
            .where(account_links.c.account_id > after)
            .group_by(account_links.c.account_id)
            .order_by(account_links.c.account_id)
            .limit(limit)
        )
    ).all()
    last, size = (ids[-1] if ids else after), len(ids)
    return Span(last, size) if size else None


async def claim_debts(
    session: AsyncSession, latest_due_date: date, threshold_kopecks: int, after: UUID, last: UUID
) -> list[DebtLetter]:
    """Claim the debt reminder of every account with an id in (after, last] someone is linked to
    whose latest bill was due on or before `latest_due_date`, that owes more than the threshold
    now (debt and penalty less the portal's payments billing has not registered) and was not
    reminded for that bill's period; the letters of those claimed now."""
    latest_bill = (
        select(bills.c.period, bills.c.due_date)
        .where(bills.c.region_code == billing_accounts.c.region_code, bills.c.number == billing_accounts.c.number)
        .order_by(bills.c.period.desc(), bills.c.issued_at.desc())
        .limit(1)
        .lateral("latest_bill")
    )
    # bigint, as the columns: the pending payments' sum is numeric in PostgreSQL.
    owed = cast(billing_accounts.c.debt_kopecks + billing_accounts.c.penalty_kopecks - pending_kopecks(), BigInteger)
    reminded = exists().where(
        reminders_sent.c.kind == DEBT,
        reminders_sent.c.account_id == billing_accounts.c.id,
        reminders_sent.c.period == latest_bill.c.period,
    )
    due = (
        select(
            billing_accounts.c.id.label("account_id"),
            billing_accounts.c.number,
            owed.label("owed"),
            latest_bill.c.period,
            latest_bill.c.due_date,
        )
        .select_from(billing_accounts.join(latest_bill, true()))
        .where(
            billing_accounts.c.id > after,
            billing_accounts.c.id <= last,
            exists().where(account_links.c.account_id == billing_accounts.c.id),
            latest_bill.c.due_date <= latest_due_date,
            owed > threshold_kopecks,
            ~reminded,
        )
        .cte("due")
    )
    recipients = select(func.count()).where(account_links.c.account_id == due.c.account_id).scalar_subquery()
    claimed = (
        insert(reminders_sent)
        .from_select(
            CLAIMED_COLUMNS,
            select(literal(DEBT), due.c.account_id, due.c.period, recipients, func.now()).order_by(due.c.account_id),
        )
        .on_conflict_do_nothing()
        .returning(reminders_sent.c.account_id)
        .cte("claimed")
    )
    letters = (
        select(due.c.account_id, due.c.number, due.c.owed, due.c.period, due.c.due_date, account_links.c.user_id)
        .join_from(claimed, due, due.c.account_id == claimed.c.account_id)
        .join(account_links, account_links.c.account_id == claimed.c.account_id)
        .order_by(due.c.account_id, account_links.c.user_id)
    )
    return [DebtLetter(*row) for row in (await session.execute(letters)).all()]
