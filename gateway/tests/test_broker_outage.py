"""A broker outage loses the events published meanwhile; the reload after reconnecting makes
up for them. The outage is a TCP proxy owned by the test, so the shared broker stays up."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

import aiohttp
from yarl import URL

from lka_common.testing.tokens import TokenFactory

GatewayFactory = Callable[..., AbstractAsyncContextManager[str]]


class CuttableLink:
    """Forwards TCP connections to the broker until `cut()`: then drops them all and refuses
    new ones until `mend()`."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.up = True
        self._writers: list[asyncio.StreamWriter] = []

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self._writers += [writer, up_writer]
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    def cut(self) -> None:
        self.up = False
        for writer in self._writers:
            writer.close()
        self._writers.clear()

    def mend(self) -> None:
        self.up = True

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[int]:
        server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        try:
            yield server.sockets[0].getsockname()[1]
        finally:
            self.cut()
            server.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    writer.close()


async def test_revocations_missed_during_a_broker_outage_are_loaded_after_reconnecting(
    gateway_with: GatewayFactory,
    anonymous: aiohttp.ClientSession,
    tokens: TokenFactory,
    revocations_in_force: list[dict[str, Any]],
    amqp_url: str,
) -> None:
    broker = URL(amqp_url)
    link = CuttableLink(broker.host or "127.0.0.1", broker.port or 5672)
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    headers = {"Authorization": f"Bearer {tokens.issue(user_id, sid=str(session_id))}"}
    async with link.running() as port:
        # Reconnecting every 0.2 s instead of aio-pika's 5 s keeps the test short.
        proxied = str(broker.with_port(port).with_query(reconnect_interval="0.2"))
        async with gateway_with(amqp_url=proxied) as gateway:
            async with anonymous.get(gateway + "/api/v1/profile", headers=headers) as response:
                assert response.status == 200

            link.cut()
            # Identity ends the session while the gateway hears nothing: the event is lost
            # to it, and only identity's list still says so.
            revoked = {"user_id": str(user_id), "session_id": str(session_id), "revoked_at": datetime.now(UTC)}
            revocations_in_force.append({**revoked, "revoked_at": revoked["revoked_at"].isoformat()})
            await asyncio.sleep(0.5)
            link.mend()

            started = time.monotonic()
            while True:
                async with anonymous.get(gateway + "/api/v1/profile", headers=headers) as response:
                    if response.status == 401:
                        break
                    assert response.status == 200
                assert time.monotonic() - started < 10, "the missed revocation was never loaded"
                await asyncio.sleep(0.05)
