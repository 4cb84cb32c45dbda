"""The relay and consumer processes of a service, started the same way by every service.

A service's `entrypoints/relay.py` and `entrypoints/consumer.py` only pass their settings and
subscriptions here; everything else (engine, broker, probes, signals) is shared.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from lka_common.db import make_engine, make_sessionmaker
from lka_common.messaging.consumer import ConsumerRunner, Subscription
from lka_common.messaging.relay import OutboxRelay
from lka_common.settings import ServiceSettings
from lka_common.uow import UnitOfWork
from lka_common.worker import run_worker

# Workers need few connections: the pool budget is in docs/operations.md. No overflow, as for
# the APIs (settings.db_max_overflow): an overflow connection is closed again at every return.
WORKER_POOL_SIZE = 3
WORKER_MAX_OVERFLOW = 0


def run_relay(settings: ServiceSettings) -> None:
    engine = make_engine(settings, pool_size=WORKER_POOL_SIZE, max_overflow=WORKER_MAX_OVERFLOW)
    relay = OutboxRelay(
        engine,
        settings.amqp_url,
        settings.service_name,
        batch_size=settings.relay_batch_size,
        poll_interval_s=settings.relay_poll_interval_s,
        linger_s=settings.relay_linger_s,
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
) -> tuple[ConsumerRunner, list[AsyncEngine]]:
    """The runner a consumer process runs, with its engines (to dispose of at the end)."""
    engine = make_engine(settings, pool_size=WORKER_POOL_SIZE, max_overflow=WORKER_MAX_OVERFLOW)
    side = make_engine(settings, pool_size=1, max_overflow=1)
    sessions, side_sessions = make_sessionmaker(engine), make_sessionmaker(side)
    runner = ConsumerRunner(
        settings.amqp_url,
        settings.service_name,
        lambda: UnitOfWork(sessions, settings.source, side_sessions),
        subscriptions(),
        prefetch=settings.consumer_prefetch,
        delivery_limit=settings.consumer_delivery_limit,
        concurrency=WORKER_POOL_SIZE + WORKER_MAX_OVERFLOW,
    )
    return runner, [engine, side]


def run_consumer(settings: ServiceSettings, subscriptions: Callable[[], list[Subscription]]) -> None:
    runner, engines = consumer_runner(settings, subscriptions)

    async def main(stop: asyncio.Event) -> None:
        try:
            await runner.run(stop)
        finally:
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
