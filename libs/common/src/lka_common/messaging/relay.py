"""The outbox relay: publishes committed outbox rows with publisher confirms (docs/messaging.md §3).

Rows are taken oldest first with `FOR UPDATE SKIP LOCKED`, so several relay replicas never
publish the same row at once; a row is marked only after the broker confirmed it, so a crash
at any instant loses nothing (at worst a row is published twice, and the inbox absorbs it).
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import aio_pika
import asyncpg
import structlog
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractRobustConnection
from aiormq.exceptions import DeliveryError
from sqlalchemy import case, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from lka_common import metrics, tracing
from lka_common.faults import pause_point
from lka_common.messaging.connection import connect
from lka_common.messaging.errors import is_transient
from lka_common.messaging.outbox import outbox_lag_seconds
from lka_common.messaging.tables import OUTBOX_CHANNEL, outbox
from lka_common.messaging.topology import declare_exchanges

log = structlog.get_logger(__name__)

PUBLISH_TIMEOUT_S = 10.0
LAG_EVERY_S = 1.0  # how often the relay measures the outbox's lag for its /metrics
MAX_BACKOFF_S = 60.0


def backoff_seconds(attempts: int) -> float:
    return float(min(0.5 * 2 ** max(attempts - 1, 0), MAX_BACKOFF_S))


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        amqp_url: str,
        name: str,
        batch_size: int = 100,
        poll_interval_s: float = 1.0,
        linger_s: float = 0.0,
        listen_url: str | None = None,
        application_name: str | None = None,
    ) -> None:
        self._engine = engine
        # LISTEN holds its session between transactions, which a transaction pooler gives to
        # others: the listener connects past it (settings.database_direct_url).
        self._listen_url = listen_url or engine.url.render_as_string(hide_password=False)
        self._application_name = application_name
        self._amqp_url = amqp_url
        self._name = name
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._linger_s = linger_s
        self._wake = asyncio.Event()
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._exchanges: dict[str, AbstractExchange] = {}
        self._listener: asyncpg.Connection | None = None
        self._lag_due = 0.0
        self.database_ok = False

    def ready(self) -> bool:
        return (
            self.database_ok
            and self._connection is not None
            and not self._connection.is_closed
            and self._channel is not None
            and not self._channel.is_closed
        )

    async def connect(self) -> None:
        self._connection = await connect(self._amqp_url, f"{self._name}-relay")
        self._channel = await self._connection.channel(publisher_confirms=True, on_return_raises=True)
        declared = await declare_exchanges(self._channel)
        self._exchanges = {declared.events.name: declared.events, declared.commands.name: declared.commands}

    async def run(self, stop: asyncio.Event) -> None:
        await self.connect()
        log.info("relay_started")
        try:
            while not stop.is_set():
                # Cleared before the batch, not before the sleep: a NOTIFY that arrives while a
                # batch runs (a commit after the batch's SELECT) must wake the next step at once,
                # or its row waits a whole poll interval (docs/performance.md, "The first
                # round", item 3).
                self._wake.clear()
                published = await self._step()
                if published < self._batch_size:
                    woken = await self._sleep_until_woken(stop)
                    if woken and published and self._linger_s:
                        # Busy (the last batch found rows): let the commits of the next few
                        # milliseconds join this batch. Each batch costs five round trips and
                        # a commit, whatever its size, so under load a batch per commit would be
                        # most of the relay's CPU (docs/performance.md, "The second round",
                        # item 9). An idle relay publishes at once.
                        await asyncio.sleep(self._linger_s)
        finally:
            await self.close()

    async def _step(self) -> int:
        try:
            with tracing.without_library_spans():
                count = await self.publish_batch()
        except Exception as exc:  # noqa: BLE001 - the relay must outlive any one bad batch
            # Unready while the database (or the broker under it) is unreachable.
            self.database_ok = not is_transient(exc)
            log.warning("relay_batch_failed", error=repr(exc), error_type=type(exc).__name__)
            return 0
        self.database_ok = True
        return count

    async def publish_batch(self) -> int:
        """Publish one batch of due rows; returns how many were settled (published, or refused
        by the broker and rescheduled): fewer than a full batch lets the loop rest."""
        async with self._engine.begin() as conn:
            rows = (
                await conn.execute(
                    select(outbox)
                    .where(outbox.c.published_at.is_(None), outbox.c.next_attempt_at <= func.now())
                    .order_by(outbox.c.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if (now := time.monotonic()) >= self._lag_due:
                # At most once a second: under load the relay wakes for every commit, and two
                # more queries per batch would be a large share of its work (docs/performance.md,
                # "The first round", item 4); a gauge needs no more.
                self._lag_due = now + LAG_EVERY_S
                metrics.OUTBOX_LAG.set(await outbox_lag_seconds(conn))
            if not rows:
                return 0
            await pause_point("relay.before_publish")
            results = await asyncio.gather(*(self._publish(row) for row in rows), return_exceptions=True)
            await pause_point("relay.after_publish")
            done = [row.id for row, result in zip(rows, results, strict=True) if result is None]
            if done:
                await conn.execute(
                    update(outbox)
                    .where(outbox.c.id.in_(done))
                    .values(
                        published_at=func.now(),
                        # A secret-carrying command leaves no usable token behind (docs/messaging.md §8).
                        body=case((outbox.c.sensitive, ""), else_=outbox.c.body),
                    )
                )
            refused = [(row, r) for row, r in zip(rows, results, strict=True) if isinstance(r, DeliveryError)]
            for row, error in refused:
                await self._record_failure(conn, row, error)
            if len(done) + len(refused) < len(rows):
                # The broker itself is away: nothing is wrong with the rows, so they keep their
                # place and attempts; the loop waits a poll interval and tries again.
                first = next(r for r in results if isinstance(r, BaseException) and not isinstance(r, DeliveryError))
                log.warning("relay_broker_unavailable", unpublished=len(rows) - len(done), error=repr(first))
        log.debug("relay_batch", taken=len(rows), published=len(done))
        return len(done) + len(refused)

    async def _publish(self, row: Any) -> None:
        exchange = self._exchanges.get(row.exchange)
        if exchange is None:
            assert self._channel is not None
            exchange = await self._channel.get_exchange(row.exchange, ensure=True)
            self._exchanges[row.exchange] = exchange
        message = aio_pika.Message(
            body=row.body.encode(),
            message_id=str(row.message_id),
            content_type=row.headers.get("content_type", "application/json"),
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            type=row.routing_key,
        )
        # In the trace of the request or message that raised the event, kept with its row.
        with tracing.publishing(row.headers, row.exchange, row.routing_key, str(row.message_id)):
            await exchange.publish(message, routing_key=row.routing_key, mandatory=True, timeout=PUBLISH_TIMEOUT_S)
        metrics.OUTBOX_PUBLISHED.labels(row.exchange).inc()

    async def _record_failure(self, conn: Any, row: Any, error: BaseException) -> None:
        attempts = row.attempts + 1
        metrics.OUTBOX_FAILED.inc()
        log.warning(
            "relay_publish_failed",
            message_id=str(row.message_id),
            routing_key=row.routing_key,
            attempts=attempts,
            error=repr(error),
        )
        await conn.execute(
            update(outbox)
            .where(outbox.c.id == row.id)
            .values(
                attempts=attempts,
                next_attempt_at=func.now() + timedelta(seconds=backoff_seconds(attempts)),
                last_error=repr(error)[:1000],
            )
        )

    async def _sleep_until_woken(self, stop: asyncio.Event) -> bool:
        """Until a NOTIFY, the stop or a poll interval; True when a NOTIFY woke it."""
        await self._ensure_listener()
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, timeout=self._poll_interval_s, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        return self._wake.is_set() and not stop.is_set()

    async def _ensure_listener(self) -> None:
        """LISTEN for commits that wrote outbox rows; polling covers any gap while it is down."""
        if self._listener is not None and not self._listener.is_closed():
            return
        url = make_url(self._listen_url).set(drivername="postgresql")
        settings = {"application_name": self._application_name} if self._application_name else None
        try:
            self._listener = await asyncpg.connect(
                url.render_as_string(hide_password=False), timeout=2, server_settings=settings
            )
            await self._listener.add_listener(OUTBOX_CHANNEL, lambda *_: self._wake.set())
        except (TimeoutError, OSError, asyncpg.PostgresError):
            self._listener = None

    async def close(self) -> None:
        if self._listener is not None and not self._listener.is_closed():
            await self._listener.close()
        if self._connection is not None:
            await self._connection.close()
