"""No usable confirmation or reset token stays in identity's database once the letters
carrying them are with the broker (docs/quality.md item 3, docs/messaging.md §8)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import pytest

from lka_common.testing.amqp import amqp_channel, declare_test_queue, drain

COMMANDS = ("notifications.letter.send.v1", "notifications.address_book.update.v1")


@pytest.fixture
async def letters_queue(amqp_url: str) -> AsyncIterator[str]:
    """A queue standing for notifications' on `lka.commands`, so the commands are routable."""
    name = f"identity-test-letters-{uuid.uuid4().hex[:8]}"
    await declare_test_queue(amqp_url, name, [("lka.commands", key) for key in COMMANDS])
    yield name
    async with amqp_channel(amqp_url) as channel:
        await channel.queue_delete(name)


async def every_table_mentioning(db: asyncpg.Pool, needle: str) -> list[str]:
    tables = await db.fetch("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
    found = []
    for row in tables:
        table = row["table_name"]
        count = await db.fetchval(f'SELECT count(*) FROM "{table}" t WHERE strpos(t::text, $1) > 0', needle)
        if count:
            found.append(table)
    return found


async def test_no_raw_token_remains_in_any_table_after_the_relay_published_the_letters(
    portal: Any, db: asyncpg.Pool, relay: Callable[[], Awaitable[int]], amqp_url: str, letters_queue: str
) -> None:
    person = await portal.register()
    await portal.post("/auth/password/forgot", {"email": person.email})
    confirmation = await portal.confirmation_token(person.email)
    reset = await portal.reset_token(person.email)
    assert await every_table_mentioning(db, confirmation) == ["outbox"]

    await relay()

    for token in (confirmation, reset):
        assert await every_table_mentioning(db, token) == []
        stored = await db.fetchval(
            "SELECT count(*) FROM one_time_tokens WHERE token_hash = $1", hashlib.sha256(token.encode()).hexdigest()
        )
        assert stored == 1
    published = [json.loads(m.body) for m in await drain(amqp_url, letters_queue)]
    links = [m["data"]["params"].get("link", "") for m in published if m["type"] == COMMANDS[0]]
    assert any(confirmation in link for link in links) and any(reset in link for link in links)
    # Both links still work: blanking the outbox copy leaves the hash that checks them.
    assert (await portal.post("/auth/email/confirm", {"token": confirmation})).status_code == 200
    new_password = "Новый-надёжный-пароль-2026"
    form = {"token": reset, "password": new_password, "password_confirm": new_password}
    assert (await portal.post("/auth/password/reset", form)).status_code == 200


async def test_a_refresh_token_is_stored_only_as_its_hash(portal: Any, db: asyncpg.Pool) -> None:
    person = await portal.signed_in()

    assert await every_table_mentioning(db, person.refresh_token) == []
    digest = hashlib.sha256(person.refresh_token.encode()).hexdigest()
    assert await db.fetchval("SELECT count(*) FROM refresh_tokens WHERE token_hash = $1", digest) == 1
