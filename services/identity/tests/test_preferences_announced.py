"""Migration 0008 announces, once, the letter preferences chosen before
`identity.letter_preferences.changed.v1` existed: notifications knows a user's choice only from
that event (docs/operations.md "Reminders"), so a choice stored before it would never be honoured.

A database of its own, migrated to 0007 (as one stood before the event), with users written
straight into it; then the upgrade; then the relay, which must take the rows as any others."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from lka_common.db import make_engine
from lka_common.events.envelope import CloudEvent
from lka_common.events.identity import LetterPreferencesChanged
from lka_common.messaging.relay import OutboxRelay
from lka_common.migrations import upgrade
from lka_common.testing.databases import create_database, drop_database, in_thread, plain_url
from lka_common.testing.layout import service_dir
from lka_common.testing.servers import Servers
from lka_identity.settings import IdentitySettings

CHANGED = "identity.letter_preferences.changed.v1"
CHOSEN_AT = datetime(2026, 12, 10, 9, 30, tzinfo=UTC)
MANY = 1001  # past the migration's batch of 1,000 users


@pytest.fixture
async def before_the_event(servers: Servers, run_id: str) -> AsyncIterator[str]:
    """A database of identity's at revision 0007; its asyncpg URL."""
    name = f"lka_test_{run_id}_identity_before_0008"
    url = create_database(servers.postgres_url, name)
    in_thread(lambda: upgrade(service_dir("identity"), url, "0007"))
    yield url
    drop_database(servers.postgres_url, name)


async def add_user(conn: asyncpg.Connection, **chosen: bool) -> uuid.UUID:
    """A user, and when `chosen` names letters, that choice stored as the profile stores it."""
    user_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO users (id, email, password_hash, email_confirmed_at) VALUES ($1, $2, 'x', now())",
        user_id,
        f"abonent-{user_id.hex[:12]}@example.ru",
    )
    if chosen:
        names = ", ".join(chosen)
        values = ", ".join(f"${n}" for n in range(3, len(chosen) + 3))
        await conn.execute(
            f"INSERT INTO letter_preferences (user_id, updated_at, {names}) VALUES ($1, $2, {values})",
            user_id,
            CHOSEN_AT,
            *chosen.values(),
        )
    return user_id


async def announcements(conn: asyncpg.Connection) -> dict[str, dict[str, Any]]:
    rows = await conn.fetch("SELECT body, headers, published_at FROM outbox WHERE routing_key = $1", CHANGED)
    return {CloudEvent.from_json(row["body"].encode()).subject or "": dict(row) for row in rows}


async def test_every_choice_stored_before_the_event_is_announced_once(
    before_the_event: str, amqp_url: str, settings: IdentitySettings
) -> None:
    conn = await asyncpg.connect(plain_url(before_the_event))
    try:
        debt_off = await add_user(conn, debt=False, reading_window=True)
        two_off = await add_user(conn, reading_window=False, bill_issued=False)
        all_on_again = await add_user(conn, debt=True)  # turned off, then on: the default
        never_chose = await add_user(conn)
        await conn.execute(
            "INSERT INTO users (id, email, password_hash)"
            " SELECT gen_random_uuid(), 'many-' || n || '@example.ru', 'x' FROM generate_series(1, $1) AS n",
            MANY,
        )
        await conn.execute(
            "INSERT INTO letter_preferences (user_id, verification_due, updated_at)"
            " SELECT id, false, $1 FROM users WHERE email LIKE 'many-%'",
            CHOSEN_AT,
        )

        in_thread(lambda: upgrade(service_dir("identity"), before_the_event))

        announced = await announcements(conn)
        assert len(announced) == MANY + 2
        assert str(all_on_again) not in announced and str(never_chose) not in announced
        event = CloudEvent.from_json(announced[str(two_off)]["body"].encode())
        assert (event.type, event.source, event.subject) == (CHANGED, "/lka/identity", str(two_off))
        assert LetterPreferencesChanged.model_validate(event.data) == LetterPreferencesChanged(
            user_id=two_off,
            reading_window=False,
            verification_due=True,
            debt=True,
            bill_issued=False,
            payment_receipts=True,
            new_sign_in=True,
            changed_at=CHOSEN_AT,  # the choice's own time: an older announcement never wins
        )
        assert (
            LetterPreferencesChanged.model_validate(
                CloudEvent.from_json(announced[str(debt_off)]["body"].encode()).data
            ).debt
            is False
        )

        # The relay publishes them as any other row (publisher confirms, then marked).
        engine = make_engine(settings.model_copy(update={"database_url": before_the_event}), pool_size=1)
        relay = OutboxRelay(engine, amqp_url, "identity-test-announce", batch_size=500)
        await relay.connect()
        try:
            while await relay.publish_batch():
                pass
        finally:
            await relay.close()
            await engine.dispose()
        assert all(row["published_at"] is not None for row in (await announcements(conn)).values())
    finally:
        await conn.close()
