"""PostgreSQL's connection budget: a stack that would not fit is refused at start, with the numbers,
and stacks that shrink to fit count the others' claims (docs/operations.md, "Connection budget")."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
import pytest

from lka_common.testing.private_servers import PrivatePostgres
from lka_devstack import budget

SERVICES = ["identity", "accounts", "readings", "payments", "notifications"]


@pytest.fixture(scope="module")
def small_server() -> Iterator[PrivatePostgres]:
    """A server of the test's own with room for 39 clients (42, less 3 for the superuser)."""
    with PrivatePostgres(max_connections=42) as server:
        yield server


def local() -> dict[str, budget.Pools]:
    return dict.fromkeys(SERVICES, budget.LOCAL)


def test_make_run_and_a_test_stack_fit_beside_each_other_in_postgresql_s_default_100() -> None:
    usable = 100 - 3  # superuser_reserved_connections
    assert budget.ceiling(local()) == 39
    assert 2 * budget.ceiling(local()) + budget.CALLER_RESERVE <= usable
    assert budget.ceiling(dict.fromkeys(SERVICES, budget.SHIPPED)) == 89


def test_a_stack_s_ceiling_is_its_processes_times_their_pools() -> None:
    pools = budget.requested(
        {
            "LKA_READINGS_DB_POOL_SIZE": "8",
            "LKA_READINGS_DB_MAX_OVERFLOW": "2",
            "LKA_PAYMENTS_DB_CONSUMER_POOL_SIZE": "3",
        },
        SERVICES,
    )

    assert pools["readings"] == budget.Pools(api=10, consumer=1)
    # API 3, consumer 3 with a side pool of 1 + 1, the bank poller's 1 + 1, relay 1 and its LISTEN
    assert pools["payments"].ceiling("payments") == 3 + 3 + 2 + 2 + 2
    # API 3, consumer 1 with a side pool of 1, relay 1 and its LISTEN
    assert pools["identity"].ceiling("identity") == 3 + 1 + 1 + 2


def test_behind_a_pooler_only_the_relay_s_listen_reaches_the_server() -> None:
    pools = budget.requested({"LKA_IDENTITY_DB_TRANSACTION_POOLER": "true"}, ["identity"], budget.SHIPPED)

    assert pools["identity"].ceiling("identity") == budget.LISTEN


def test_pools_shrink_to_fit_consumers_first_then_apis() -> None:
    shipped = dict.fromkeys(SERVICES, budget.SHIPPED)

    assert budget.fit(shipped, 200) == shipped
    assert set(budget.fit(shipped, 75).values()) == {budget.Pools(api=10, consumer=1)}  # type: ignore[union-attr]
    assert set(budget.fit(shipped, 39).values()) == {budget.Pools(api=3, consumer=1)}  # type: ignore[union-attr]
    assert budget.fit(shipped, 28) is None  # below API 1, consumer 1


def test_a_stack_that_would_not_fit_is_refused_at_start_with_both_numbers(small_server: PrivatePostgres) -> None:
    env = {
        **os.environ,
        "LKA_POSTGRES_URL": small_server.admin_url,
        "LKA_DEV_PORT_OFFSET": "23456",
        "LKA_ROOT": os.getcwd(),
    }
    env = {key: value for key, value in env.items() if not key.endswith(("_DATABASE_URL", "_POOL_SIZE", "_POOLS"))}

    with held_connections(small_server, 10):
        result = subprocess.run(
            [sys.executable, "-m", "lka_devstack", "run"], env=env, capture_output=True, text=True, timeout=120
        )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "нужно до 39, а сервер может дать ещё 29" in result.stderr  # 42 - 3, less the 10 held
    assert "прочие клиенты держат 10" in result.stderr
    assert "ALTER SYSTEM SET max_connections" in result.stderr
    assert "LKA_<SVC>_DB_POOL_SIZE" in result.stderr
    assert "базы данных готовы" not in result.stdout  # refused before anything was made or started


async def test_a_claim_counts_in_full_for_the_next_stack_until_it_ends(small_server: PrivatePostgres) -> None:
    async with budget.claim_connections(small_server.admin_url, 20) as first:
        assert first.need == 21
        with pytest.raises(budget.Refused) as refused:
            async with budget.claim(small_server.admin_url, local(), shrink=True):
                pass
    # 39 less the 21 claimed; the smallest pools (API 1, consumer 1: 29) and the caller's 5 do not fit
    assert "нужно до 34, а сервер может дать ещё 18" in str(refused.value)
    assert "другие стеки lka-dev заявили 21" in str(refused.value)

    async with budget.claim(small_server.admin_url, local(), shrink=True) as alone:
        assert alone.server.claimed == 0
        # 39 less the caller's 5: API 3 (39) does not fit, API 2 (34) does
        assert set(alone.pools.values()) == {budget.Pools(api=2, consumer=1)}
        assert alone.need == 34


async def test_a_stack_s_own_connections_count_under_its_claim_not_twice(small_server: PrivatePostgres) -> None:
    async with budget.claim_connections(small_server.admin_url, 5) as claimed:
        tagged = [
            await asyncpg.connect(
                small_server.admin_url, server_settings={"application_name": f"lka_readings@{claimed.tag}"}
            )
            for _ in range(8)  # more than it claimed: counted as held
        ]
        try:
            conn = await asyncpg.connect(small_server.admin_url)
            try:
                server = await budget.server_state(conn, "test")
            finally:
                await conn.close()
        finally:
            for connection in tagged:
                await connection.close()

    assert (server.claimed, server.others) == (9, 0)  # the 8 and the claim's own connection


@contextmanager
def held_connections(server: PrivatePostgres, count: int) -> Iterator[None]:
    """`count` plain connections to the server, held by a child process for the block."""
    script = (
        "import asyncio, asyncpg, sys\n"
        "async def main():\n"
        f"    held = [await asyncpg.connect({server.admin_url!r}) for _ in range({count})]\n"
        "    print('held', flush=True)\n"
        "    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)\n"
        "asyncio.run(main())\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "held"
        yield
    finally:
        child.kill()
        child.wait()
