"""The reminders' claims in `reminders_sent`, set-based: a batch is the next subjects (accounts,
or meters) after a cursor; one statement claims the due ones among them and writes, or returns,
the letters of those claimed now, one per (claimed subject, user linked to it now).

The reading window's statement takes its batch itself, the next thousand accounts of an index
range (LIMIT), and writes its letters to the outbox as `SendReminders` commands
(lka_common.commands.reminder_letters): over a million accounts nothing but a row of counts comes
back to Python. The verification's batch goes to its claim as an array of meter ids
(`id = ANY(…)`). Either way PostgreSQL knows it is a thousand rows, looks each one up by index,
and the plan's cost stays below the threshold where it would spend longer compiling it (JIT) than
running it. And each claim is planned for its own values
(`plan_cache_mode`): the prepared statement's generic plan, which PostgreSQL switches to after
five runs, knows neither the batch nor the period and scans every claim of the table, a batch
slower with each one (benchmarks/reminders.py, docs/performance.md "Reminders").

Each claim is `INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING`: a subject already claimed
(an earlier run, or another runner's batch committed first) returns nothing, so its letters are
never written twice. That is the only test of "reminded already": each row's conflict is one probe
of the key, where a `NOT EXISTS` on `reminders_sent` was planned, once the table had grown past
its statistics, as a scan of every claim of the kind, a batch slower with each claim (140 ms to
430 ms over a million accounts, benchmarks/reminders.py). Rows are inserted in the subjects' id
order, so two runners racing over the same batch wait for each other in one order and never
deadlock. The letters are written in the claim's transaction: by the reading window's statement
itself, by the verification's caller (service_layer/verification_due.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy import CTE, Select, and_, any_, bindparam, exists, func, literal, select, text, tuple_
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from lka_common.commands.reminder_letters import ReminderLetters
from lka_readings.adapters.tables import (
    account_links,
    accounts,
    meters,
    not_rejected,
    readings,
    reminder_accounts,
    reminders_sent,
)
from lka_readings.domain.reminders import READING_WINDOW, PeriodWindow

CLAIMED_COLUMNS = ["kind", "subject_id", "period", "recipients", "sent_at"]


class MeterLetter(NamedTuple):
    """A claimed meter's reminder to one of the subscribers of its account."""

    meter_id: UUID
    account_number: str
    serial_number: str
    verification_due: date
    user_id: UUID


FIRST_ACCOUNT = UUID(int=0)  # before every account, in the reading-window job's order (by id)


class MeterKey(NamedTuple):
    """Where a meter stands in the verification job's order (meters_verification_due_idx)."""

    verification_due: date
    id: UUID


def _meters_due(first_due: date, last_due: date) -> tuple[ColumnElement[bool], ...]:
    return (meters.c.removed.is_(False), meters.c.verification_due.between(first_due, last_due))


async def next_meters(
    session: AsyncSession, first_due: date, last_due: date, after: MeterKey | None, limit: int
) -> list[MeterKey]:
    """The next `limit` meters in service due for verification in [first_due, last_due], by date
    and id after `after` (from the first when None): a range of meters_verification_due_idx, the
    few meters due in those days, never a walk through every meter."""
    key = tuple_(meters.c.verification_due, meters.c.id)
    query = select(meters.c.verification_due, meters.c.id).where(*_meters_due(first_due, last_due))
    if after is not None:
        query = query.where(key > tuple_(literal(after.verification_due), literal(after.id, PG_UUID(as_uuid=True))))
    rows = await session.execute(query.order_by(meters.c.verification_due, meters.c.id).limit(limit))
    return [MeterKey(*row) for row in rows.all()]


async def _plan_for_these_values(session: AsyncSession) -> None:
    """For the rest of the transaction: plan each statement for its parameters (above)."""
    await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def _among(column: ColumnElement[UUID], ids: list[UUID]) -> ColumnElement[bool]:
    return column == any_(bindparam("batch", ids, type_=ARRAY(PG_UUID(as_uuid=True))))


def _linked_users(account_id: ColumnElement[UUID]) -> ColumnElement[bool]:
    return and_(account_links.c.account_id == account_id, account_links.c.linked.is_(True))


def _recipients(account_id: ColumnElement[UUID]) -> ColumnElement[int]:
    """How many are linked to the account now (what `reminders_sent.recipients` records)."""
    return select(func.count()).where(_linked_users(account_id)).scalar_subquery()


def _claimed(due: Select[Any]) -> CTE:
    """The claims of the subjects `due` selects (its columns: CLAIMED_COLUMNS) not claimed before:
    the conflict on the key is the only test of "reminded already" (above)."""
    return (
        insert(reminders_sent)
        .from_select(CLAIMED_COLUMNS, due)
        .on_conflict_do_nothing()
        .returning(reminders_sent.c.subject_id)
        .cte("claimed")
    )


class ReadingWindowBatch(NamedTuple):
    """What one batch of the reading-window claim did."""

    examined: int  # accounts after the cursor looked at
    last: UUID | None  # the last of them, the next batch's cursor; None when none was left
    reminded: int  # accounts claimed now
    letters: int  # letters written to the outbox
    commands: int  # the SendReminders commands they are in


async def claim_reading_window(
    session: AsyncSession,
    window: PeriodWindow,
    after: UUID,
    size: int,
    letters_of: ReminderLetters,
) -> ReadingWindowBatch:
    """Claim the reading-window reminder of every account of the next `size` after `after` (by
    id) someone is linked to, with a meter in service, no reading for the period (ours not
    rejected, or one billing took on or after the period's first day) and not reminded yet, and
    write the letters of those claimed now to the outbox as `SendReminders` commands: one
    statement, so the batch's accounts, their letters and the commands never pass through Python.

    The batch is a range of reminder_accounts' key, read from the key alone (it carries the
    columns), so its cost does not depend on how many are due; and in the accounts' id order, the
    order of the readings index each account is looked up in and of the claims' key, so a batch
    reads, and writes, neighbouring pages of each."""
    batch = (
        select(reminder_accounts)
        .where(reminder_accounts.c.account_id > literal(after, PG_UUID(as_uuid=True)))
        .order_by(reminder_accounts.c.account_id)
        .limit(size)
        .cte("batch")
    )
    ours = exists().where(
        readings.c.account_id == batch.c.account_id,
        readings.c.billing_period == window.period,
        not_rejected,
    )
    billed = func.coalesce(batch.c.billed_on >= window.first_day, False)
    # The due accounts with their subscribers: the claim and the letters both come from it (a CTE
    # used twice is computed once).
    due = (
        select(batch.c.account_id, batch.c.number, batch.c.users)
        .where(batch.c.in_service, func.cardinality(batch.c.users) > 0, ~billed, ~ours)
        .cte("due")
    )
    claimed = _claimed(
        select(
            literal(READING_WINDOW), due.c.account_id, literal(window.period), func.cardinality(due.c.users), func.now()
        ).order_by(due.c.account_id)
    )
    user_id = func.unnest(due.c.users).label("user_id")
    letters = (
        select(due.c.account_id, due.c.number, user_id)
        .join_from(claimed, due, due.c.account_id == claimed.c.subject_id)
        .cte("letters")
    )
    written = letters_of.commands(letters.c.account_id, letters.c.user_id, {"account_number": letters.c.number}).cte(
        "written"
    )
    outcome = select(
        select(func.count()).select_from(batch).scalar_subquery().label("examined"),
        # (PostgreSQL has no max() of uuids.)
        select(batch.c.account_id).order_by(batch.c.account_id.desc()).limit(1).scalar_subquery().label("last"),
        select(func.count()).select_from(claimed).scalar_subquery().label("reminded"),
        select(func.count()).select_from(letters).scalar_subquery().label("letters"),
        select(func.count()).select_from(written).scalar_subquery().label("commands"),
    )
    await _plan_for_these_values(session)
    row = (await session.execute(outcome)).one()
    return ReadingWindowBatch(row.examined, row.last if row.examined else None, row.reminded, row.letters, row.commands)


async def claim_verification(
    session: AsyncSession, kind: str, first_due: date, last_due: date, ids: list[UUID]
) -> list[MeterLetter]:
    """Claim the `kind` reminder, keyed by the meter and its verification date, of every meter of
    `ids` in service, due for verification in [first_due, last_due] and not reminded of that date
    yet; the letters of those claimed now, to the subscribers linked to the meter's account. A
    meter nobody is linked to is passed over unclaimed: someone who links its account later,
    while the reminder is still due, gets it from a later run."""
    period = func.to_char(meters.c.verification_due, literal("YYYY-MM-DD"))
    account_of_meter = and_(
        accounts.c.region_code == meters.c.region_code, accounts.c.number == meters.c.account_number
    )
    due = (
        select(literal(kind), meters.c.id, period, _recipients(accounts.c.id), func.now())
        .join_from(meters, accounts, account_of_meter)
        .where(
            _among(meters.c.id, ids),
            *_meters_due(first_due, last_due),
            exists().where(_linked_users(accounts.c.id)),
        )
        .order_by(meters.c.id)
    )
    claimed = _claimed(due)
    letters = (
        select(
            meters.c.id,
            meters.c.account_number,
            meters.c.serial_number,
            meters.c.verification_due,
            account_links.c.user_id,
        )
        .join_from(claimed, meters, meters.c.id == claimed.c.subject_id)
        .join(accounts, account_of_meter)
        .join(account_links, _linked_users(accounts.c.id))
        .order_by(meters.c.id, account_links.c.user_id)
    )
    await _plan_for_these_values(session)
    return [MeterLetter(*row) for row in (await session.execute(letters)).all()]
