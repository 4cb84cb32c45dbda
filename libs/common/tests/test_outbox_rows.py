"""What a unit of work writes to the outbox on commit, one event or a batch of them (a scheduled
job's thousand letters are one multi-row statement): every row whole, in the order raised, with
its exchange, routing key, trace headers and sensitivity, through either unit of work."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lka_common.commands.notifications import Reminder, SendLetter, SendReminders
from lka_common.events.accounts import AccountUnlinked
from lka_common.events.base import EventData
from lka_common.messaging.topology import COMMANDS_EXCHANGE, EVENTS_EXCHANGE
from lka_common.uow import DriverUnitOfWork, UnitOfWork

if TYPE_CHECKING:
    from conftest import TakeFromOutbox

SOURCE = "/lka/tests"


def raised(count: int) -> list[EventData]:
    """`count` events of three kinds: an event, a reminder and a sensitive letter, in turn."""
    user = uuid.uuid4()
    kinds = [
        lambda i: AccountUnlinked(
            user_id=user, account_id=uuid.uuid4(), region_code="yalta", account_number=f"9{i:07d}"
        ),
        lambda i: SendReminders(template="reading_window_reminder", letters=[Reminder(user_id=user, params={"n": i})]),
        lambda i: SendLetter(template="password_reset", user_id=user, params={"link": f"https://x/{i}"}),
    ]
    return [kinds[i % 3](i) for i in range(count)]


@pytest.mark.parametrize("count", [1, 2, 1000])
@pytest.mark.parametrize("unit", ["session", "driver"])
async def test_the_events_of_a_unit_are_written_whole_and_in_order(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    take_from_outbox: TakeFromOutbox,
    unit: str,
    count: int,
) -> None:
    events = raised(count)
    uow: UnitOfWork | DriverUnitOfWork = (
        UnitOfWork(sessionmaker, SOURCE) if unit == "session" else DriverUnitOfWork(engine, SOURCE)
    )
    async with uow:
        envelopes = [uow.publish(data, f"subject-{i}") for i, data in enumerate(events)]
        await uow.commit()

    rows = await take_from_outbox("message_id", [e.id for e in envelopes])

    assert [row["message_id"] for row in rows] == [e.id for e in envelopes]  # in the order raised
    for row, envelope, data in zip(rows, envelopes, events, strict=True):
        assert (row["exchange"], row["routing_key"]) == (data.exchange, data.event_type)
        assert row["exchange"] == (EVENTS_EXCHANGE if isinstance(data, AccountUnlinked) else COMMANDS_EXCHANGE)
        assert row["sensitive"] is data.sensitive
        assert row["published_at"] is None
        body = json.loads(row["body"])
        assert (body["id"], body["subject"], body["source"]) == (envelope.id, envelope.subject, SOURCE)
        assert body["data"] == data.model_dump(mode="json")
        headers = row["headers"] if isinstance(row["headers"], dict) else json.loads(row["headers"])
        assert headers["content_type"] == "application/cloudevents+json"
        assert headers["traceparent"] == envelope.traceparent


async def test_events_of_a_unit_rolled_back_are_never_written(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with UnitOfWork(sessionmaker, SOURCE) as uow:
        envelopes = [uow.publish(data, "s") for data in raised(5)]
    # Left without commit: nothing in the outbox.
    async with sessionmaker() as session:
        found = await session.connection()
        rows = await found.exec_driver_sql(
            "SELECT count(*) FROM outbox WHERE message_id = ANY($1::uuid[])", ([e.id for e in envelopes],)
        )
        assert rows.scalar_one() == 0
