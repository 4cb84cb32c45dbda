"""PostgreSQL's connections for a stack: the most it will hold, what the server has left, and a
claim that other stacks count for as long as this one runs (docs/operations.md, "Connection budget").

A stack's ceiling is its processes times their pools. `make run`, the test stacks and `make bench`
share one server (100 connections by default), and pools open lazily: a stack that started when
there was room could later be refused connections by PostgreSQL, which shows only as failed
requests. So each `lka-dev run` checks before it starts, and holds a claim of its ceiling on a
connection of its own: the connection's `application_name` is `lka-dev@<tag> claims <n>`,
and its processes' connections carry `@<tag>` (settings.db_application_name). Another stack then
counts every claim as taken in full, and whatever else holds a connection as it is now. The
claim ends with the connection, so a killed stack leaves none behind.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

import asyncpg

from lka_common.entrypoints import RELAY_POOL_SIZE, side_pool
from lka_common.settings import ServiceSettings
from lka_devstack.layout import SERVICES

CLAIM = re.compile(r"^lka-dev@(?P<tag>[0-9a-f]+) claims (?P<n>\d+)$")
TAG = re.compile(r"@(?P<tag>[0-9a-f]+)\b")
# Serialises check-and-claim between stacks starting at the same moment (pg_advisory_lock).
LOCK_KEY = 0x6C6B615F627564  # "lka_bud"
# The claim's own connection, and one for a tool of the stack (the demo loaders, a migration).
STACK_OWN = 2
# Besides its subscriptions, payments' consumer polls the bank with a pool of its own
# (services/payments/…/entrypoints/consumer.py: 1 + 1).
CONSUMER_EXTRA = {"payments": 2}
# A relay's LISTEN connection, beside its pool (and past a pooler: messaging/relay.py).
LISTEN = 1
# Left to whoever starts a stack whose pools shrink to fit: a test run's own checks of the
# stack's databases, the benchmark's client.
CALLER_RESERVE = 5
_SHIPPED = ServiceSettings.model_fields


@dataclass(frozen=True)
class Pools:
    """One service's database pools, as its settings give them."""

    api: int  # the API's pool plus its overflow
    consumer: int  # the consumer's pool, and so its concurrency
    pooled: bool = False  # through a transaction pooler: only the relay's LISTEN reaches the server

    def ceiling(self, service: str) -> int:
        relay = LISTEN + (0 if self.pooled else RELAY_POOL_SIZE)
        if self.pooled:
            return relay
        consumer = self.consumer + sum(side_pool(self.consumer)) + CONSUMER_EXTRA.get(service, 0)
        return self.api + (consumer if runs_consumer(service) else 0) + relay


def runs_consumer(service: str) -> bool:
    """Whether the service runs a consumer process at all: one that consumes no event has none."""
    return next(svc for svc in SERVICES if svc.name == service).has_consumer


# The pools of a stack on a developer's machine: `make run` and a test stack side by side fit in
# PostgreSQL's default 100 (39 each, with room for the test run's own connections). Enough for
# a person clicking through the portal; `make bench` asks for the pools as shipped.
LOCAL = Pools(api=3, consumer=1)
SHIPPED = Pools(api=int(_SHIPPED["db_pool_size"].default), consumer=int(_SHIPPED["db_consumer_pool_size"].default))


def _setting(env: Mapping[str, str], service: str, name: str) -> str | None:
    return env.get(f"LKA_{service.upper()}_{name.upper()}")


def requested(env: Mapping[str, str], services: list[str], default: Pools = LOCAL) -> dict[str, Pools]:
    """Each service's pools: its settings in `env` where given, else `default`."""
    pools = {}
    for svc in services:
        size = _setting(env, svc, "db_pool_size")
        overflow = _setting(env, svc, "db_max_overflow")
        consumer = _setting(env, svc, "db_consumer_pool_size")
        pooled = (_setting(env, svc, "db_transaction_pooler") or "").lower() in ("1", "true", "yes", "on")
        api = int(size) + int(overflow or 0) if size is not None else default.api + int(overflow or 0)
        pools[svc] = Pools(api, int(consumer) if consumer is not None else default.consumer, pooled)
    return pools


def ceiling(pools: Mapping[str, Pools]) -> int:
    return sum(p.ceiling(svc) for svc, p in pools.items()) + STACK_OWN


def capped(pools: Mapping[str, Pools], api: int, consumer: int) -> dict[str, Pools]:
    return {svc: replace(p, api=min(p.api, api), consumer=min(p.consumer, consumer)) for svc, p in pools.items()}


def fit(pools: Mapping[str, Pools], left: int) -> dict[str, Pools] | None:
    """The largest pools up to `pools` within `left` connections, or None. The consumers' pools
    shrink first, down to 1 (their messages wait in the queue), then the APIs' (a request that
    waits a second for a connection is answered 503)."""
    api = max(p.api for p in pools.values())
    consumer = max(p.consumer for p in pools.values())
    while True:
        candidate = capped(pools, api, consumer)
        if ceiling(candidate) <= left:
            return candidate
        if consumer > 1:
            consumer -= 1
        elif api > 1:
            api -= 1
        else:
            return None


def pools_env(pools: Mapping[str, Pools]) -> dict[str, str]:
    """The settings that give each service these pools (an API's without overflow)."""
    env: dict[str, str] = {}
    for svc, p in pools.items():
        prefix = f"LKA_{svc.upper()}_"
        env |= {
            prefix + "DB_POOL_SIZE": str(p.api),
            prefix + "DB_MAX_OVERFLOW": "0",
            prefix + "DB_CONSUMER_POOL_SIZE": str(p.consumer),
        }
    return env


def describe(pools: Mapping[str, Pools]) -> str:
    """`API 3, обработчик 1` when all services agree, else per service."""
    shapes = {(p.api, p.consumer, p.pooled) for p in pools.values()}
    if len(shapes) == 1:
        api, consumer, pooled = shapes.pop()
        return f"API {api}, обработчик {consumer}" + (", через пулер" if pooled else "")
    return "; ".join(f"{svc}: API {p.api}, обработчик {p.consumer}" for svc, p in pools.items())


@dataclass(frozen=True)
class Server:
    """What a PostgreSQL server has, seen by one of its clients."""

    address: str
    max_connections: int
    superuser_only: int  # superuser_reserved_connections: never the services' roles
    claimed: int  # by other stacks, each at its claim or what it holds if more
    others: int  # connections of clients that claimed nothing

    @property
    def usable(self) -> int:
        return self.max_connections - self.superuser_only

    @property
    def left(self) -> int:
        return self.usable - self.claimed - self.others

    def refusal(self, need: int) -> str:
        return (
            f"[lka-dev] Стеку не хватит соединений PostgreSQL {self.address}: ему нужно до {need}, "
            f"а сервер может дать ещё {max(self.left, 0)} (max_connections {self.max_connections}, "
            f"из них {self.superuser_only} только для суперпользователя; другие стеки lka-dev заявили "
            f"{self.claimed}, прочие клиенты держат {self.others}).\n"
            "Выход: остановите другой стек (make run, тесты, make bench) или клиентов, которые держат "
            "соединения; или поднимите лимит: ALTER SYSTEM SET max_connections = 200; и перезапустите "
            "PostgreSQL (pg_ctlcluster --skip-systemctl-redirect 15 main restart); или уменьшите пулы "
            "(LKA_<SVC>_DB_POOL_SIZE, LKA_<SVC>_DB_CONSUMER_POOL_SIZE)."
        )


async def server_state(conn: asyncpg.Connection, address: str) -> Server:
    """The server as the connection `conn` sees it, not counting `conn` itself."""
    max_connections = int(await conn.fetchval("SHOW max_connections"))
    superuser_only = int(await conn.fetchval("SHOW superuser_reserved_connections"))
    names = [
        row[0] or ""
        for row in await conn.fetch(
            "SELECT application_name FROM pg_stat_activity"
            " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
    ]
    claims = {m["tag"]: int(m["n"]) for name in names if (m := CLAIM.match(name))}
    held = Counter(m["tag"] for name in names if (m := TAG.search(name)) and m["tag"] in claims)
    claimed = sum(max(n, held[tag]) for tag, n in claims.items())
    return Server(address, max_connections, superuser_only, claimed, len(names) - sum(held.values()))


def new_tag() -> str:
    return uuid.uuid4().hex[:8]


@dataclass
class Claim:
    tag: str
    server: Server  # as it was before this claim
    need: int
    pools: dict[str, Pools] = field(default_factory=dict)


class Refused(SystemExit):
    """The stack would not fit: the message names both numbers and the ways out."""


@asynccontextmanager
async def claim(
    server_url: str, pools: Mapping[str, Pools], *, shrink: bool, tag: str | None = None
) -> AsyncIterator[Claim]:
    """Claim the stack's ceiling on `server_url` for as long as the block runs, or raise Refused.

    With `shrink`, the pools are the largest up to `pools` that fit, leaving CALLER_RESERVE
    connections to the caller's own clients; without it the stack gets exactly `pools` or nothing."""

    def decide(server: Server) -> Claim:
        reserve = CALLER_RESERVE if shrink else 0
        chosen = fit(pools, server.left - reserve) if shrink else dict(pools)
        if chosen is None or ceiling(chosen) > server.left:
            raise Refused(server.refusal(ceiling(capped(pools, 1, 1) if shrink else pools) + reserve))
        return Claim("", server, ceiling(chosen), chosen)

    async with _claiming(server_url, tag or new_tag(), decide) as claimed:
        yield claimed


@asynccontextmanager
async def claim_connections(server_url: str, count: int, tag: str | None = None) -> AsyncIterator[Claim]:
    """Claim `count` connections (and the claim's own) for a client that is not a stack, such
    as the benchmark's floor, whose connections carry `@<tag>` in their application name."""

    def decide(server: Server) -> Claim:
        if count + 1 > server.left:
            raise Refused(server.refusal(count + 1))
        return Claim("", server, count + 1)

    async with _claiming(server_url, tag or new_tag(), decide) as claimed:
        yield claimed


@asynccontextmanager
async def _claiming(server_url: str, tag: str, decide: Callable[[Server], Claim]) -> AsyncIterator[Claim]:
    parsed = urlsplit(server_url)
    address = f"{parsed.hostname}:{parsed.port or 5432}"
    conn = await asyncpg.connect(server_url, timeout=5, server_settings={"application_name": f"lka-dev@{tag}"})
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", LOCK_KEY)
        try:
            decided = replace(decide(await server_state(conn, address)), tag=tag)
            await conn.execute(
                "SELECT set_config('application_name', $1, false)", f"lka-dev@{tag} claims {decided.need}"
            )
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)
        yield decided
    finally:
        with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            await conn.close()
