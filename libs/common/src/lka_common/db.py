"""The async database engine of a service, sized by its settings.

Every connection gets a statement timeout and a connect timeout, so a stuck database turns
into an error within seconds (docs/quality.md item 8, 13), never a hung request; an API's units of work
also take their connection within a deadline of their own (`make_sessionmaker`), since the
pool's pre-ping on a connection to a hung server waits the whole command timeout.

Behind a pooler in transaction mode (`db_transaction_pooler`; PgBouncer before 1.21 keeps no
prepared statements) consecutive transactions of one connection may reach different server
sessions: statements are then prepared unnamed (asyncpg) or under names that cannot collide
(SQLAlchemy), none is kept across transactions, and the statement timeout is the role's
(`ALTER ROLE … SET statement_timeout`, which `lka-dev` and the deployments set), since the
pooler refuses it in the startup packet.
"""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from lka_common.settings import ServiceSettings

# A graceful close sends Terminate and waits for the server to hang up: a healthy server does
# at once. SQLAlchemy closes an invalidated connection so, for up to 2 s, before it aborts it,
# in the caller's task: a request given up on a hung database waited those 2 s more.
CLOSE_TIMEOUT_S = 0.25


class _Connection(asyncpg.Connection):  # type: ignore[misc]  # asyncpg has no type hints
    """asyncpg's connection with its graceful close bounded by CLOSE_TIMEOUT_S (then aborted)."""

    async def close(self, *, timeout: float | None = None) -> None:
        await super().close(timeout=min(timeout or CLOSE_TIMEOUT_S, CLOSE_TIMEOUT_S))


def make_engine(
    settings: ServiceSettings, *, pool_size: int | None = None, max_overflow: int | None = None
) -> AsyncEngine:
    engine = create_async_engine(
        settings.database_url,
        pool_size=pool_size if pool_size is not None else settings.db_pool_size,
        max_overflow=max_overflow if max_overflow is not None else settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_s,
        pool_pre_ping=False,  # _ping_on_checkout instead
        connect_args=connect_args(settings),
    )
    event.listen(engine.sync_engine, "checkout", _ping_on_checkout)
    return engine


def application_name(settings: ServiceSettings) -> str:
    return settings.db_application_name or f"lka_{settings.service_name}"


def connect_args(settings: ServiceSettings) -> dict[str, Any]:
    """asyncpg's connection arguments (through SQLAlchemy's dialect) for this service's pool."""
    args: dict[str, Any] = {
        "connection_class": _Connection,
        "timeout": settings.db_connect_timeout_s,
        # The client's own deadline, a second past the server's: it also holds behind a pooler.
        "command_timeout": settings.db_statement_timeout_ms / 1000 + 1,
        "server_settings": {"application_name": application_name(settings)},
    }
    if not settings.db_transaction_pooler:
        args["server_settings"]["statement_timeout"] = str(settings.db_statement_timeout_ms)
        return args
    return args | {
        "statement_cache_size": 0,  # asyncpg: unnamed statements, parsed again in each Bind
        "prepared_statement_cache_size": 0,  # SQLAlchemy's dialect: no statement kept per connection
        "prepared_statement_name_func": _statement_name,
    }


def _statement_name() -> str:
    """SQLAlchemy's dialect prepares every statement by name; asyncpg's counter per connection
    (`__asyncpg_stmt_1__`…) repeats across the pooler's clients sharing one server session."""
    return f"__lka_{uuid.uuid4().hex}__"


def _ping_on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Pessimistic disconnect handling in one round trip: a connection taken from the pool
    answers an empty query first, so one the server or the network dropped is replaced
    before a unit of work uses it (the drills' database outages, docs/quality.md item 13).

    SQLAlchemy's own `pool_pre_ping` does this for asyncpg in three round trips (BEGIN, the
    query, ROLLBACK, for pgbouncer's transaction mode, which we do not use): two round trips
    more on every unit of work (docs/performance.md, "The second round", item 7). As with the
    pre-ping, a failure invalidates every pooled connection older than now and takes a fresh
    one; a ping to a hung server is cancelled by the unit of work's acquire deadline.
    """
    try:
        dbapi_connection.run_async(lambda driver: driver.fetchrow(";"))
    except Exception as error:  # any failure: this connection cannot be trusted
        raise exc.InvalidatePoolError(f"ping on checkout failed: {error!r}") from error


# Where a session carries its acquire deadline (Session.info), read by UnitOfWork on entry.
ACQUIRE_TIMEOUT_KEY = "lka_acquire_timeout_s"


def make_sessionmaker(
    engine: AsyncEngine, *, acquire_timeout_s: float | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions for units of work; with `acquire_timeout_s`, a unit of work takes its connection
    at once and gives up (TimeoutError, a 503 in an API) when that takes longer."""
    info = {ACQUIRE_TIMEOUT_KEY: acquire_timeout_s} if acquire_timeout_s else {}
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False, info=info)
