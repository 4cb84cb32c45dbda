"""Outbox rows written in SQL (`outbox_rows_from`, `ReminderLetters.commands`) read as the relay
and notifications read them: the envelope `new_event` makes, the commands' letters in order and
cut at their bound, and nothing for no rows."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import CTE, Insert, Integer, Select, String, column, literal, select, union_all, values
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncEngine

from lka_common import context
from lka_common.commands.notifications import MAX_REMINDERS_PER_COMMAND, SendLetter, SendReminders
from lka_common.commands.reminder_letters import ReminderLetters
from lka_common.events.accounts import AccountUnlinked
from lka_common.events.base import EventData
from lka_common.events.envelope import CloudEvent, new_event
from lka_common.messaging.outbox import outbox_rows_from
from lka_common.messaging.tables import outbox
from lka_common.messaging.topology import COMMANDS_EXCHANGE, EVENTS_EXCHANGE

if TYPE_CHECKING:
    from conftest import TakeFromOutbox

SOURCE = "/lka/tests"
SUBJECT = "run-1"
SHARED = {"period_title": "декабрь 2026", "deadline": "25"}


def unlinked(count: int) -> list[EventData]:
    return [
        AccountUnlinked(user_id=uuid.uuid4(), account_id=uuid.uuid4(), region_code="yalta", account_number=f"9{i:07d}")
        for i in range(count)
    ]


def password_resets(count: int) -> list[EventData]:
    """Sensitive commands: the flag must reach the outbox row."""
    return [
        SendLetter(template="password_reset", user_id=uuid.uuid4(), params={"link": f"https://x/{i}"})
        for i in range(count)
    ]


def as_select(events: list[EventData]) -> Select[Any]:
    """The events' data as a VALUES list, one JSONB `data` a row."""
    rows = values(column("data", JSONB), name="raised").data([(e.model_dump(mode="json"),) for e in events])
    return select(rows.c.data)


def as_cte(events: list[EventData]) -> CTE:
    """The same as a CTE over a union of one-row selects."""
    return union_all(*(select(literal(e.model_dump(mode="json"), JSONB).label("data")) for e in events)).cte("raised")


def rows_of(data: Select[Any] | CTE, kind: type[EventData]) -> Insert:
    return outbox_rows_from(data, kind, SOURCE, SUBJECT).returning(outbox.c.id)


async def write(engine: AsyncEngine, statement: Insert) -> list[int]:
    """Execute an outbox insert in a transaction of its own; the ids of its rows, as returned."""
    async with engine.begin() as conn:
        return list((await conn.execute(statement)).scalars())


def headers_of(row: dict[str, Any]) -> dict[str, Any]:
    headers = row["headers"]
    return headers if isinstance(headers, dict) else json.loads(headers)


def canonical(data: dict[str, Any]) -> str:
    """A sort key of an event's data, whatever the order of its keys (JSONB keeps its own)."""
    return json.dumps(data, sort_keys=True)


def envelope_of(row: dict[str, Any]) -> CloudEvent:
    return CloudEvent.from_json(row["body"].encode())


@pytest.mark.parametrize(
    ("raise_", "shape", "exchange"),
    [(unlinked, as_select, EVENTS_EXCHANGE), (password_resets, as_cte, COMMANDS_EXCHANGE)],
    ids=["event-from-select", "sensitive-command-from-cte"],
)
async def test_rows_written_in_sql_read_back_as_new_events_rows(
    engine: AsyncEngine,
    take_from_outbox: TakeFromOutbox,
    raise_: Callable[[int], list[EventData]],
    shape: Callable[[list[EventData]], Select[Any] | CTE],
    exchange: str,
) -> None:
    events = raise_(3)
    kind = type(events[0])

    rows = await take_from_outbox("id", await write(engine, rows_of(shape(events), kind)))

    assert len(rows) == 3
    assert len({row["message_id"] for row in rows}) == 3
    # Every attribute new_event writes, none missing and none extra.
    attributes = set(json.loads(new_event(events[0], SOURCE, SUBJECT).to_json()))
    for row in rows:
        envelope = envelope_of(row)
        assert set(json.loads(row["body"])) == attributes
        assert envelope.id == row["message_id"]
        assert (envelope.type, envelope.source, envelope.subject) == (kind.event_type, SOURCE, SUBJECT)
        assert (row["exchange"], row["routing_key"], row["sensitive"]) == (exchange, kind.event_type, kind.sensitive)
        assert row["published_at"] is None
        # Outside any request or message, an event is its own correlation and cause.
        assert envelope.correlationid == envelope.causationid == envelope.id
        headers = headers_of(row)
        assert headers["content_type"] == "application/cloudevents+json"
        assert envelope.traceparent is not None
        assert headers["traceparent"] == envelope.traceparent
    written = sorted((envelope_of(row).data for row in rows), key=canonical)
    assert written == sorted((e.model_dump(mode="json") for e in events), key=canonical)


async def test_rows_written_for_a_message_carry_its_correlation_and_cause(
    engine: AsyncEngine, take_from_outbox: TakeFromOutbox
) -> None:
    events = unlinked(2)
    with context.bound(correlation_id="c-1", message_id="m-1"):
        statement = rows_of(as_select(events), AccountUnlinked)

    rows = await take_from_outbox("id", await write(engine, statement))

    assert [(envelope_of(r).correlationid, envelope_of(r).causationid) for r in rows] == [("c-1", "m-1")] * 2


Letter = tuple[int, uuid.UUID, str]  # what it is ordered by, its user, its account number


def batch(orders: list[int]) -> list[Letter]:
    return [(order, uuid.uuid4(), f"{n:08d}") for n, order in enumerate(orders)]


def due(letters: list[Letter]) -> Any:
    """A batch's letters to write, as the rows of a statement."""
    return values(
        column("ordered", Integer),
        column("user_id", PG_UUID(as_uuid=True)),
        column("account_number", String),
        name="due",
    ).data(letters)


async def test_letters_are_cut_into_commands_in_their_order(
    engine: AsyncEngine, take_from_outbox: TakeFromOutbox
) -> None:
    # Out of order, and three ties across a command's end, their users given against their order:
    # the user breaks a tie, so where a letter goes does not depend on how the rows came.
    u = sorted(uuid.uuid4() for _ in range(5))
    given = [
        (2, u[4], "00000001"),
        (1, u[0], "00000002"),
        (2, u[3], "00000003"),
        (3, u[1], "00000004"),
        (2, u[2], "00000005"),
    ]
    rows = due(given)
    letters = ReminderLetters("reading_window_reminder", SHARED, SOURCE, SUBJECT, per_command=2)

    ids = await write(
        engine, letters.commands(rows.c.ordered, rows.c.user_id, {"account_number": rows.c.account_number})
    )
    written = await take_from_outbox("id", ids)

    assert ids == sorted(ids)  # returned, and so written, in the commands' order
    assert [row["id"] for row in written] == ids
    commands = [SendReminders.model_validate(envelope_of(row).data) for row in written]  # as notifications reads it
    assert [len(command.letters) for command in commands] == [2, 2, 1]
    assert {command.template for command in commands} == {"reading_window_reminder"}
    assert [(str(letter["user_id"]), letter["params"]) for command in commands for letter in command.letters] == [
        (str(user), SHARED | {"account_number": number}) for _, user, number in sorted(given)
    ]
    for row in written:
        assert (row["exchange"], row["routing_key"]) == (COMMANDS_EXCHANGE, SendReminders.event_type)
        assert envelope_of(row).subject == SUBJECT


async def test_a_commands_letters_are_bounded_by_default_as_send_reminders_allows(
    engine: AsyncEngine, take_from_outbox: TakeFromOutbox
) -> None:
    letters = ReminderLetters("debt_reminder", SHARED, SOURCE, SUBJECT)
    rows = due(batch([0, 1, 2, 3, 4]))

    written = await take_from_outbox("id", await write(engine, letters.commands(rows.c.ordered, rows.c.user_id, {})))

    assert letters.per_command == MAX_REMINDERS_PER_COMMAND
    (command,) = [SendReminders.model_validate(envelope_of(row).data) for row in written]
    assert [letter["params"] for letter in command.letters] == [SHARED] * 5


async def test_nothing_is_written_for_no_rows(engine: AsyncEngine) -> None:
    none_due = select(due(batch([1]))).where(literal(False)).subquery("none_due")
    letters = ReminderLetters("reading_window_reminder", SHARED, SOURCE, SUBJECT, per_command=2)
    no_events = as_select(unlinked(1)).where(literal(False))

    async with engine.begin() as conn:
        commands = await conn.execute(
            letters.commands(none_due.c.ordered, none_due.c.user_id, {"account_number": none_due.c.account_number})
        )
        events = await conn.execute(rows_of(no_events, AccountUnlinked))
        assert (commands.all(), events.all()) == ([], [])
        assert (commands.rowcount, events.rowcount) == (0, 0)


def test_a_letters_own_parameter_may_not_also_be_a_shared_one() -> None:
    letters = ReminderLetters("reading_window_reminder", {"account_number": "10000001"}, SOURCE, SUBJECT)

    with pytest.raises(ValueError, match="account_number"):
        letters.commands(literal(1), literal(uuid.uuid4()), {"account_number": literal("10000002")})
