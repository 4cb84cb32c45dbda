"""A service's consumer and relay run in-process for a test, as their processes run them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from lka_common.db import make_engine
from lka_common.entrypoints import Beside, consumer_runner
from lka_common.messaging.consumer import Subscription
from lka_common.messaging.relay import OutboxRelay
from lka_common.settings import ServiceSettings
from lka_common.testing.events import eventually


@asynccontextmanager
async def running_consumer(
    settings: ServiceSettings, subscriptions: Callable[[], list[Subscription]], beside: Beside | None = None
) -> AsyncIterator[None]:
    """The service's real subscriptions consuming until the block ends (and `beside`, as
    lka_common.entrypoints.run_consumer runs it)."""
    runner, engines, uow_factory = consumer_runner(settings, subscriptions)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    alongside = asyncio.create_task(beside(stop, uow_factory)) if beside is not None else None

    def ready() -> bool:
        if task.done():
            task.result()  # a runner that died says why
        return runner.ready()

    try:
        await eventually(ready, "the consumer is consuming", timeout=30)
        await asyncio.sleep(0.3)  # queues declared, bound and consuming
        yield
    finally:
        stop.set()
        await task
        if alongside is not None:
            await alongside
        for engine in engines:
            await engine.dispose()


@asynccontextmanager
async def outbox_publisher(settings: ServiceSettings) -> AsyncIterator[Callable[[], Awaitable[int]]]:
    """`await publish()` sends what the service's outbox holds, once, as its relay would."""
    engine = make_engine(settings, pool_size=2)
    relay = OutboxRelay(engine, settings.amqp_url, f"{settings.service_name}-test")
    await relay.connect()
    try:
        yield relay.publish_batch
    finally:
        await relay.close()
        await engine.dispose()
