"""Keeping the revocation list current (ARCHITECTURE: gateway row).

Each gateway process listens on a queue of its own, exclusive and auto-deleted, bound to
`identity.session.revoked.v1` on `lka.events`: a shared queue would hand each revocation to
one replica only. Events published while no queue was bound are lost to this process, so
after every subscription (the first, and each one the robust connection restores after a
broker outage) it loads identity's list of the revocations still in force. Subscribing
first and loading second leaves no gap; what both bring is applied twice, which changes
nothing. The process is ready once one such load has finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import Awaitable, Callable

import aiohttp
import structlog
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection
from pydantic import TypeAdapter

from lka_common.events.envelope import CloudEvent
from lka_common.events.identity import SessionRevoked
from lka_common.messaging.connection import connect
from lka_common.messaging.topology import declare_exchanges
from lka_gateway.revocations import RevocationList
from lka_gateway.settings import GatewaySettings

log = structlog.get_logger(__name__)

# identity's list has the fields of the event's data, so the event's model reads both.
_LISTED = TypeAdapter(list[SessionRevoked])
PREFETCH = 100


class RevocationFeed:
    def __init__(self, settings: GatewaySettings, revocations: RevocationList) -> None:
        self._settings = settings
        self._revocations = revocations
        # Named after the host, so an operator can tell the replicas' queues apart.
        self.queue_name = f"gateway.revocations.{socket.gethostname()}.{uuid.uuid4().hex[:8]}"
        self._connection: AbstractRobustConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._load_wanted = asyncio.Event()
        self._loaded = False

    @property
    def ready(self) -> bool:
        return self._loaded

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="revocation-feed")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._connection is not None:
            # The queue is exclusive: the broker deletes it with the connection.
            await self._connection.close()
            self._connection = None

    async def _run(self) -> None:
        await self._retrying("revocations_subscribe", self._subscribe)
        while True:
            await self._load_wanted.wait()
            self._load_wanted.clear()
            await self._retrying("revocations_load", self._load)
            self._loaded = True

    async def _subscribe(self) -> None:
        connection = await connect(self._settings.amqp_url, self.queue_name)
        try:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=PREFETCH)
            exchanges = await declare_exchanges(channel)
            queue = await channel.declare_queue(self.queue_name, exclusive=True, auto_delete=True)
            await queue.bind(exchanges.events, routing_key=SessionRevoked.event_type)
            await queue.consume(self.handle)
        except BaseException:
            await connection.close()
            raise
        # Called after the connection has restored the queue, its binding and the consumer.
        connection.reconnect_callbacks.add(self._on_reconnect)
        self._connection = connection
        self._load_wanted.set()
        log.info("revocations_subscribed", queue=self.queue_name)

    def _on_reconnect(self, *_: object) -> None:
        log.info("revocations_resubscribed", queue=self.queue_name)
        self._load_wanted.set()

    async def handle(self, message: AbstractIncomingMessage) -> None:
        """One delivery: applied, then acked; an unreadable one is logged and acked."""
        try:
            event = CloudEvent.from_json(message.body)
            if event.type != SessionRevoked.event_type:
                raise ValueError(f"unexpected event type {event.type!r}")
            revoked = SessionRevoked.model_validate(event.data)
        except ValueError as exc:  # pydantic's ValidationError is one
            # Nothing to retry: the same bytes would fail again. Acked, not left to block.
            log.warning("revocation_unreadable", message_id=message.message_id, error=str(exc))
        else:
            self._revocations.apply(revoked.user_id, revoked.session_id, revoked.revoked_at)
            log.info("session_revoked", user_id=str(revoked.user_id), session_id=str(revoked.session_id))
        await message.ack()

    async def _load(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self._settings.revocations_timeout_s)
        async with (
            aiohttp.ClientSession(timeout=timeout) as http,
            http.get(self._settings.revocations_url) as response,
        ):
            response.raise_for_status()
            listed = _LISTED.validate_json(await response.read())
        for revoked in listed:
            self._revocations.apply(revoked.user_id, revoked.session_id, revoked.revoked_at)
        log.info("revocations_loaded", count=len(listed), in_force=len(self._revocations))

    async def _retrying(self, what: str, attempt: Callable[[], Awaitable[None]]) -> None:
        """Until it succeeds, with back-off: identity or the broker may start after us."""
        delay = self._settings.revocations_retry_first_s
        while True:
            try:
                await attempt()
                return
            except Exception as exc:  # noqa: BLE001 - any failure is retried; the task must not die
                log.warning(f"{what}_failed", error=repr(exc), retry_in_s=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._settings.revocations_retry_max_s)
