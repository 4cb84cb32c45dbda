"""The inbox-guarded consumer runner (docs/messaging.md §4–§6).

Each message: parse the envelope (unparseable: dead-lettered), claim it in the inbox and run
its handler in one unit of work, commit, then ack. Errors are classified in `errors.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic

import structlog
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection
from pydantic import ValidationError
from typing_extensions import TypeVar

from lka_common import context, metrics, tracing
from lka_common.events.base import EventData
from lka_common.events.envelope import CloudEvent
from lka_common.faults import pause_point
from lka_common.messaging.connection import connect
from lka_common.messaging.errors import is_permanent, is_transient
from lka_common.messaging.inbox import claim
from lka_common.messaging.topology import EVENTS_EXCHANGE, dead_letter_names, declare_consumer_queue, declare_exchanges
from lka_common.uow import UnitOfWork, UnitOfWorkProtocol

log = structlog.get_logger(__name__)

# The unit a handler runs in. The runner claims the inbox on its unit's session, so it gives
# handlers a UnitOfWork; a handler needing only the contract takes a UnitOfWorkProtocol.
U = TypeVar("U", bound=UnitOfWorkProtocol, default=UnitOfWork)
Handler = Callable[[U, Any, CloudEvent], Awaitable[None]]
MAX_RETRY_DELAY_S = 30.0


@dataclass(frozen=True)
class Subscription(Generic[U]):
    """One consumer queue `<service>.<purpose>` and the handler of each event type it takes."""

    queue: str
    handlers: Mapping[type[EventData], Handler[U]]
    exchange: str = EVENTS_EXCHANGE

    @property
    def routing_keys(self) -> list[str]:
        return [model.event_type for model in self.handlers]

    def route(self, event_type: str) -> tuple[type[EventData], Handler[U]] | None:
        for model, handler in self.handlers.items():
            if model.event_type == event_type:
                return model, handler
        return None


class ConsumerRunner:
    def __init__(
        self,
        amqp_url: str,
        name: str,
        uow_factory: Callable[[], UnitOfWork],
        subscriptions: list[Subscription],
        prefetch: int = 20,
        delivery_limit: int = 5,
        concurrency: int | None = None,
    ) -> None:
        self._amqp_url = amqp_url
        self._name = name
        self._uow_factory = uow_factory
        self._subscriptions = subscriptions
        self._prefetch = prefetch
        self._delivery_limit = delivery_limit
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._stopping = False
        self._consuming = False
        # No more handlers at once than the database pool serves; the rest of the prefetched
        # messages wait here instead of timing out on the pool.
        self._slots = asyncio.Semaphore(concurrency or prefetch)

    def ready(self) -> bool:
        return (
            self._consuming
            and self._connection is not None
            and not self._connection.is_closed
            and self._channel is not None
            and not self._channel.is_closed
        )

    async def run(self, stop: asyncio.Event) -> None:
        self._connection = await connect(self._amqp_url, f"{self._name}-consumer")
        self._channel = await self._connection.channel()
        await self._channel.set_qos(prefetch_count=self._prefetch)
        exchanges = await declare_exchanges(self._channel)
        by_name = {exchanges.events.name: exchanges.events, exchanges.commands.name: exchanges.commands}
        for sub in self._subscriptions:
            queue = await declare_consumer_queue(
                self._channel, by_name[sub.exchange], sub.queue, sub.routing_keys, self._delivery_limit
            )
            await queue.consume(self._callback(sub))
            log.info("consumer_started", queue=sub.queue, routing_keys=sub.routing_keys)
        # Ready only once every queue is declared, bound and consumed: a publisher waiting
        # for readiness must find the queues there.
        self._consuming = True
        try:
            while not stop.is_set():
                await self._refresh_dead_letter_depth()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=15)
        finally:
            self._stopping = True
            await self._connection.close()

    def _callback(self, sub: Subscription) -> Callable[[AbstractIncomingMessage], Awaitable[None]]:
        async def on_message(message: AbstractIncomingMessage) -> None:
            async with self._slots:
                await self.handle(sub, message)

        return on_message

    async def handle(self, sub: Subscription, message: AbstractIncomingMessage) -> None:
        metrics.MESSAGES_REDELIVERED.labels(sub.queue).inc(1 if message.redelivered else 0)  # 0: the series exists
        try:
            event = CloudEvent.from_json(message.body)
        except ValidationError as exc:
            await self._dead_letter(sub, message, "unparseable", str(exc))
            return
        with (
            # Continuing the event's trace, so what the handler raises carries the same trace id.
            tracing.consuming(event.trace_context(), sub.exchange, event.type, event.id, sub.queue),
            context.bound(message_id=event.id, correlation_id=event.correlationid or event.id),
        ):
            route = sub.route(event.type)
            if route is None:
                log.info("message_ignored", queue=sub.queue, type=event.type)
                await message.ack()
                return
            await self._handle_event(sub, message, event, *route)

    async def _handle_event(
        self,
        sub: Subscription,
        message: AbstractIncomingMessage,
        event: CloudEvent,
        model: type[EventData],
        handler: Handler[UnitOfWork],
    ) -> None:
        delay = 0.5
        while True:
            try:
                outcome = await self._apply(sub, event, model, handler)
                await message.ack()
                metrics.MESSAGES_CONSUMED.labels(sub.queue, outcome).inc()
                log.info("message_handled", queue=sub.queue, type=event.type, outcome=outcome)
                return
            except Exception as exc:  # noqa: BLE001 - classified below, never swallowed
                if is_permanent(exc):
                    await self._dead_letter(sub, message, "permanent", repr(exc))
                    return
                if is_transient(exc) and not self._stopping:
                    metrics.MESSAGES_RETRIED.labels(sub.queue).inc()
                    log.warning("message_retry", queue=sub.queue, delay_s=delay, error=repr(exc))
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, MAX_RETRY_DELAY_S)
                    continue
                await self._requeue_unknown(sub, message, exc)
                return

    async def _apply(
        self, sub: Subscription, event: CloudEvent, model: type[EventData], handler: Handler[UnitOfWork]
    ) -> str:
        async with self._uow_factory() as uow:
            if not await claim(uow.session, event.id, sub.queue):
                return "duplicate"
            data = model.model_validate(event.data)
            await handler(uow, data, event)
            await uow.commit()
        await pause_point("consumer.after_commit")
        return "handled"

    async def _requeue_unknown(self, sub: Subscription, message: AbstractIncomingMessage, exc: Exception) -> None:
        count = (message.headers or {}).get("x-delivery-count", 0)
        deliveries = (count if isinstance(count, int) else 0) + 1
        if deliveries >= self._delivery_limit + 1:
            metrics.MESSAGES_DEAD_LETTERED.labels(sub.queue, "delivery_limit").inc()
        log.error(
            "message_failed",
            queue=sub.queue,
            deliveries=deliveries,
            delivery_limit=self._delivery_limit,
            error=repr(exc),
            exc_info=exc,
        )
        await message.reject(requeue=True)

    async def _dead_letter(self, sub: Subscription, message: AbstractIncomingMessage, reason: str, detail: str) -> None:
        metrics.MESSAGES_DEAD_LETTERED.labels(sub.queue, reason).inc()
        log.error("message_dead_lettered", queue=sub.queue, message_id=message.message_id, reason=reason, detail=detail)
        await message.reject(requeue=False)

    async def _refresh_dead_letter_depth(self) -> None:
        if not self.ready():
            return
        assert self._connection is not None
        try:
            # A channel of its own: a failed passive declare closes the channel it runs on.
            async with self._connection.channel() as channel:
                for sub in self._subscriptions:
                    _, dlq = dead_letter_names(sub.queue)
                    queue = await channel.declare_queue(dlq, passive=True)
                    metrics.DEAD_LETTER_DEPTH.labels(dlq).set(queue.declaration_result.message_count or 0)
        except Exception as exc:  # noqa: BLE001 - a metric must never stop consumption
            log.warning("dead_letter_depth_unavailable", error=repr(exc))
