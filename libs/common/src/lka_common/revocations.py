"""The sessions identity ended before their tokens expired, as each process remembers them,
and the feed that keeps that memory current. One implementation for the gateway (its token
check at the edge) and every service's API process (lka_common.auth's principal dependency),
so a revoked token is refused within a second by both (docs/contract.md §2).

The list. Two kinds of entry (`SessionRevoked`): one session (sign-out), or every session of
a user up to a moment (password reset, merge), which refuses each token of that user issued
then or earlier. An entry matters only while a token it refuses can still be alive: identity
issues none for a revoked session, so every such token has `exp` at most the access-token
lifetime after `revoked_at`, and the entry is dropped once that has passed. Both `exp` and
that moment are read on this process's clock, so clock skew with identity cannot reopen a
token early.

The feed. Each process listens on a queue of its own, exclusive and auto-deleted, bound to
`identity.session.revoked.v1` on `lka.events`: a shared queue would hand each revocation to
one replica only. Events published while no queue was bound are lost to this process, so
after every subscription (the first, and each one the robust connection restores after a
broker outage) it loads identity's list of the revocations still in force. Subscribing first
and loading second leaves no gap; what both bring is applied twice, which changes nothing.
The list is also loaded once at start, broker or not, so a process started while the broker
is down still refuses what was revoked before it. `ready` says a load after a subscription
has finished: the gateway waits for it; a service's readiness does not (its API stays ready
while only the broker is down, docs/contract.md), it just refuses what it has heard of meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from uuid import UUID

import aiohttp
import structlog
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection
from pydantic import TypeAdapter

from lka_common.events.envelope import CloudEvent
from lka_common.events.identity import SessionRevoked
from lka_common.messaging.connection import connect
from lka_common.messaging.topology import declare_exchanges

log = structlog.get_logger(__name__)

_SESSION, _USER = 0, 1
# identity's list has the fields of the event's data, so the event's model reads both.
_LISTED = TypeAdapter(list[SessionRevoked])
PREFETCH = 100


class RevocationList:
    """In memory, per process: filled from identity's list and from events."""

    def __init__(self, keep_s: float) -> None:
        self._keep_s = keep_s
        self._sessions: dict[UUID, float] = {}  # session id -> when it was revoked
        self._users: dict[UUID, float] = {}  # user id -> every session issued up to this moment
        # Entries by age, so dropping the old ones never scans the rest. A loaded list comes
        # newest first and events may cross it, hence a heap rather than a queue.
        self._by_age: list[tuple[float, int, UUID]] = []

    def apply(self, user_id: UUID, session_id: UUID | None, revoked_at: datetime) -> None:
        """Adds a revocation; applying the same one twice (list and event) changes nothing."""
        moment = revoked_at.timestamp()
        if session_id is not None:
            self._sessions[session_id] = max(moment, self._sessions.get(session_id, moment))
            heapq.heappush(self._by_age, (moment, _SESSION, session_id))
        else:
            # The latest moment wins: it covers every token the earlier ones covered.
            self._users[user_id] = max(moment, self._users.get(user_id, moment))
            heapq.heappush(self._by_age, (moment, _USER, user_id))
        self.drop_expired()

    def is_revoked(self, user_id: UUID, session_id: UUID | None, issued_at: float) -> bool:
        """Asked on every call, cached token or not: two dict lookups.

        `iat` is to the millisecond (identity rounds it), so a sign-in right after a password
        reset is not caught by the reset; a token issued in the very millisecond of the
        revocation counts as issued before it: refused, never let through.
        """
        if session_id is not None and session_id in self._sessions:
            return True
        all_before = self._users.get(user_id)
        return all_before is not None and issued_at <= all_before

    def drop_expired(self, now: float | None = None) -> None:
        horizon = (time.time() if now is None else now) - self._keep_s
        by_age = self._by_age
        while by_age and by_age[0][0] <= horizon:
            moment, kind, key = heapq.heappop(by_age)
            entries = self._sessions if kind == _SESSION else self._users
            # A later revocation of the same key has its own heap entry and keeps the key.
            if entries.get(key) == moment:
                del entries[key]

    def __len__(self) -> int:
        return len(self._sessions) + len(self._users)


class RevocationFeed:
    """Keeps a `RevocationList` current from the broker and identity's list (module doc).

    `owner` names the process in its queue's name (`<owner>.revocations.<host>.<id>`), so an
    operator can tell the replicas' queues apart; `list_url` is identity's
    `/api/v1/internal/revocations`; failures are retried from `retry_first_s`, doubling to
    `retry_max_s`.
    """

    def __init__(
        self,
        revocations: RevocationList,
        *,
        owner: str,
        amqp_url: str,
        list_url: str,
        retry_first_s: float = 0.5,
        retry_max_s: float = 30.0,
        timeout_s: float = 5.0,
    ) -> None:
        self._revocations = revocations
        self._amqp_url = amqp_url
        self._list_url = list_url
        self._retry_first_s = retry_first_s
        self._retry_max_s = retry_max_s
        self._timeout_s = timeout_s
        self.queue_name = f"{owner}.revocations.{socket.gethostname()}.{uuid.uuid4().hex[:8]}"
        self._connection: AbstractRobustConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._load_wanted = asyncio.Event()
        self._subscribed = False
        self._ready = False

    @property
    def ready(self) -> bool:
        """Identity's list has been loaded since the feed first subscribed."""
        return self._ready

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
        self._load_wanted.set()  # at once, the broker or not
        subscribing = asyncio.create_task(self._retrying("revocations_subscribe", self._subscribe))
        try:
            while True:
                await self._load_wanted.wait()
                self._load_wanted.clear()
                # Only a load begun after subscribing leaves no gap behind it.
                after_subscribing = self._subscribed
                await self._retrying("revocations_load", self._load)
                if after_subscribing and not self._ready:
                    self._ready = True
                    log.info("revocations_ready", queue=self.queue_name)
        finally:
            subscribing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await subscribing

    async def _subscribe(self) -> None:
        connection = await connect(self._amqp_url, self.queue_name)
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
        self._subscribed = True
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
        timeout = aiohttp.ClientTimeout(total=self._timeout_s)
        async with aiohttp.ClientSession(timeout=timeout) as http, http.get(self._list_url) as response:
            response.raise_for_status()
            listed = _LISTED.validate_json(await response.read())
        for revoked in listed:
            self._revocations.apply(revoked.user_id, revoked.session_id, revoked.revoked_at)
        log.info("revocations_loaded", count=len(listed), in_force=len(self._revocations))

    async def _retrying(self, what: str, attempt: Callable[[], Awaitable[None]]) -> None:
        """Until it succeeds, with back-off: identity or the broker may start after us."""
        delay = self._retry_first_s
        while True:
            try:
                await attempt()
                return
            except Exception as exc:  # noqa: BLE001 - any failure is retried; the task must not die
                log.warning(f"{what}_failed", error=repr(exc), retry_in_s=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._retry_max_s)
