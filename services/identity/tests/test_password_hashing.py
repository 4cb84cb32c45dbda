"""Password hashing as docs/quality.md item 1 asks: argon2id at ASVS parameters, renewed when the
parameters change, and run off the event loop so probes answer during a sign-in burst."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from argon2 import PasswordHasher, extract_parameters


async def test_the_stored_hash_is_argon2id_at_asvs_parameters(portal: Any, db: asyncpg.Pool) -> None:
    person = await portal.register()

    stored = await db.fetchval("SELECT password_hash FROM users WHERE id = $1::uuid", person.user_id)

    assert stored.startswith("$argon2id$")
    parameters = extract_parameters(stored)
    assert parameters.time_cost >= 2
    assert parameters.memory_cost >= 19456
    assert parameters.parallelism == 1
    assert person.password not in stored


async def test_a_hash_made_with_other_parameters_is_renewed_at_sign_in(
    portal: Any, db: asyncpg.Pool, insert_user: Callable[..., Awaitable[Any]]
) -> None:
    old = PasswordHasher(time_cost=3, memory_cost=19456, parallelism=1).hash(portal.password)
    person = await insert_user(old)

    await portal.sign_in(person)

    stored = await db.fetchval("SELECT password_hash FROM users WHERE id = $1::uuid", person.user_id)
    assert stored != old
    assert extract_parameters(stored).time_cost == 2
    await portal.sign_in(person)


async def test_health_answers_during_a_burst_of_twenty_parallel_sign_ins(
    portal: Any, asvs_hash: str, insert_user: Callable[..., Awaitable[Any]]
) -> None:
    people = [await insert_user(asvs_hash) for _ in range(20)]
    burst = [asyncio.ensure_future(portal.sign_in(person)) for person in people]
    health: list[int] = []

    while not all(task.done() for task in burst):
        started = time.monotonic()
        response = await portal.api.get("/healthz", timeout=5)
        health.append(response.status_code)
        await asyncio.sleep(max(0.0, 0.02 - (time.monotonic() - started)))

    assert all(task.result().access_token for task in burst)
    assert health and set(health) == {200}
