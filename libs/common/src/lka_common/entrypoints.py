"""The relay and consumer processes of a service, started the same way by every service.

A service's `entrypoints/relay.py` and `entrypoints/consumer.py` only pass their settings and
subscriptions here; everything else (engine, broker, probes, signals) is shared.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from lka_common.db import application_name, make_engine, make_sessionmaker
from lka_common.messaging.consumer import ConsumerRunner, Subscription
from lka_common.messaging.relay import OutboxRelay
from lka_common.settings import ServiceSettings
from lka_common.uow import UnitOfWork
from lka_common.worker import run_worker

# Workers need few connections: the pool budget is in docs/operations.md. No overflow, as for
# the APIs (settings.db_max_overflow): an overflow connection is closed again at every return.
# A relay takes one batch at a time, in one transaction: a second connection would never be used.
RELAY_POOL_SIZE = 1

UowFactory = Callable[[], UnitOfWork]
# A long-running task of a consumer process beside its handlers: given the stop event and units
# of work, it returns once stop is set.
Beside = Callable[[asyncio.Event, UowFactory], Coroutine[Any, Any, None]]


def side_pool(consumer_pool: int) -> tuple[int, int]:
    """The consumer's side pool (size, overflow), for records that must outlive a handler's
    rollback: one connection, and a second while more than one handler runs at once."""
    return 1, 1 if consumer_pool > 1 else 0


def run_relay(settings: ServiceSettings) -> None:
    engine = make_engine(settings, pool_size=RELAY_POOL_SIZE, max_overflow=0)
    relay = OutboxRelay(
        engine,
        settings.amqp_url,
        settings.service_name,
        batch_size=settings.relay_batch_size,
        poll_interval_s=settings.relay_poll_interval_s,
        linger_s=settings.relay_linger_s,
        listen_url=settings.database_direct_url or settings.database_url,
        application_name=application_name(settings),
    )

    async def main(stop: asyncio.Event) -> None:
        try:
            await relay.run(stop)
        finally:
            await engine.dispose()

    run_worker(
        f"{settings.service_name}-relay",
        settings.log_level,
        main,
        relay.ready,
        settings.http_host,
        settings.relay_health_port,
    )


def consumer_runner(
    settings: ServiceSettings, subscriptions: Callable[[], list[Subscription]]
) -> tuple[ConsumerRunner, list[AsyncEngine], UowFactory]:
    """The runner a consumer process runs, with its engines (to dispose of at the end) and the
    units of work its handlers get (with the side pool)."""
    pool = settings.db_consumer_pool_size
    engine = make_engine(settings, pool_size=pool, max_overflow=0)
    side_size, side_overflow = side_pool(pool)
    side = make_engine(settings, pool_size=side_size, max_overflow=side_overflow)
    sessions, side_sessions = make_sessionmaker(engine), make_sessionmaker(side)

    def uow_factory() -> UnitOfWork:
        return UnitOfWork(sessions, settings.source, side_sessions)

    runner = ConsumerRunner(
        settings.amqp_url,
        settings.service_name,
        uow_factory,
        subscriptions(),
        prefetch=settings.consumer_prefetch,
        delivery_limit=settings.consumer_delivery_limit,
        concurrency=pool,
    )
    return runner, [engine, side], uow_factory


def run_consumer(
    settings: ServiceSettings, subscriptions: Callable[[], list[Subscription]], beside: Beside | None = None
) -> None:
    """Run a service's consumer until a signal stops it; `beside`, if given, runs alongside the
    handlers on their pool (notifications' reminder sender) and is awaited before the pools close."""
    runner, engines, uow_factory = consumer_runner(settings, subscriptions)

    async def main(stop: asyncio.Event) -> None:
        task = asyncio.create_task(beside(stop, uow_factory)) if beside is not None else None
        try:
            await runner.run(stop)
        finally:
            stop.set()
            if task is not None:
                await task
            for engine in engines:
                await engine.dispose()

    run_worker(
        f"{settings.service_name}-consumer",
        settings.log_level,
        main,
        runner.ready,
        settings.http_host,
        settings.consumer_health_port,
    )
