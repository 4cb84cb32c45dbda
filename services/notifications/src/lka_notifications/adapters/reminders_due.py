"""Reminder letters waiting to be sent (`reminders_due`): a command's letters written in one
statement (each with the command's correlation id and trace context), the next one due claimed
by one sender at a time, a failed one pushed back, and how many wait (for the gauges an operator
watches)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import Integer, Interval, Text, bindparam, delete, func, literal, literal_column, select, update
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from lka_common import tracing
from lka_common.commands.notifications import Reminder
from lka_notifications.adapters.tables import reminders_due
from lka_notifications.domain.model import DueReminder

# A command's letters as one INSERT over arrays, one per column: one statement and one round trip
# for 2,000 letters, its SQL the same whatever their number (compiled once), where a VALUES list
# would be a statement of 10,000 parameters made afresh for each command.
_LETTERS = (
    func.unnest(
        bindparam("positions", type_=ARRAY(Integer)),
        bindparam("user_ids", type_=ARRAY(UUID(as_uuid=True))),
        bindparam("params", type_=ARRAY(JSONB)),
    )
    .table_valued("position", "user_id", "params")
    .render_derived(name="letters")
)
_ADD = (
    insert(reminders_due)
    .from_select(
        ["message_id", "template", "correlation_id", "traceparent", "tracestate", "position", "user_id", "params"],
        select(
            bindparam("message_id", type_=Text),
            bindparam("template", type_=Text),
            bindparam("correlation_id", type_=Text),
            bindparam("traceparent", type_=Text),
            bindparam("tracestate", type_=Text),
            _LETTERS.c.position,
            _LETTERS.c.user_id,
            _LETTERS.c.params,
        ),
    )
    .on_conflict_do_nothing(constraint="reminders_due_letter_key")
)

_SECOND = literal_column("interval '1 second'", Interval)

# One pass over the table, counted in a hash of a few templates: no index to keep for it. A
# million letters (217 MB of heap) take about 0.1 s, every `reminder_metrics_interval_s`.
_WAITING = select(
    reminders_due.c.template,
    func.count().label("letters"),
    func.extract("epoch", func.now() - func.min(reminders_due.c.enqueued_at)).label("oldest_s"),
).group_by(reminders_due.c.template)


class Waiting(NamedTuple):
    """The letters of one template waiting, and how long the oldest of them has (seconds)."""

    template: str
    letters: int
    oldest_s: float


async def add(
    session: AsyncSession,
    message_id: str,
    template: str,
    letters: Sequence[Reminder],
    *,
    correlation_id: str | None = None,
    traceparent: str | None = None,
    tracestate: str | None = None,
) -> None:
    """Keep the command's letters, each once: a letter of the command already here stays as it is.
    Each keeps the command's correlation id and trace context, for its sending to continue."""
    await session.execute(
        _ADD,
        {
            "message_id": message_id,
            "template": template,
            "correlation_id": correlation_id,
            "traceparent": traceparent,
            "tracestate": tracestate,
            "positions": list(range(len(letters))),
            "user_ids": [letter["user_id"] for letter in letters],
            "params": [letter["params"] for letter in letters],
        },
    )


async def claim_next(session: AsyncSession) -> DueReminder | None:
    """The letter due first, locked until this transaction ends; SKIP LOCKED, so each sender (in
    this process or another replica) takes a different one. None when none is due."""
    row = (
        await session.execute(
            select(reminders_due)
            .where(reminders_due.c.not_before <= func.now())
            .order_by(reminders_due.c.not_before, reminders_due.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
    ).first()
    if row is None:
        return None
    return DueReminder(
        id=row.id,
        message_id=row.message_id,
        position=row.position,
        template=row.template,
        user_id=row.user_id,
        params=row.params,
        attempts=row.attempts,
        correlation_id=row.correlation_id,
        trace_context={name: value for name in tracing.TRACE_ATTRIBUTES if (value := getattr(row, name))},
    )


async def remove(session: AsyncSession, reminder_id: int) -> None:
    await session.execute(delete(reminders_due).where(reminders_due.c.id == reminder_id))


async def postpone(session: AsyncSession, reminder_id: int, first_s: float, max_s: float) -> None:
    """One more failed attempt: the letter is due again after `first_s` doubled for each attempt
    failed before, at most `max_s`."""
    delay_s = func.least(literal(first_s) * func.power(2, reminders_due.c.attempts), literal(max_s))
    await session.execute(
        update(reminders_due)
        .where(reminders_due.c.id == reminder_id)
        .values(attempts=reminders_due.c.attempts + 1, not_before=func.now() + delay_s * _SECOND)
    )


async def waiting(session: AsyncSession) -> list[Waiting]:
    """The letters waiting, by template (sent ones are deleted: every row waits, those pushed back
    for a retry and those a sender holds included); none when the table is empty."""
    rows = (await session.execute(_WAITING)).all()
    return [Waiting(row.template, row.letters, float(row.oldest_s)) for row in rows]
