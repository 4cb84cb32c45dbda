"""A small TCP proxy the tests own, to cut a service off from a server (docs/quality.md item 13).

It runs its own event loop in a thread of its own, so it keeps forwarding while the test's
loop waits on something blocking (a private broker's start, say). Three states:

- `forward()`: listens and passes bytes both ways (the start state);
- `refuse()`: stops listening (a new connection is refused at once) and aborts every live
  connection (each side gets a reset): the server is gone;
- `black_hole()`: listens and accepts, but passes nothing, neither on new connections nor on
  live ones: the server hangs, or a firewall drops packets. `forward()` lets the held bytes
  through again, as a healed network partition would (a side that gave up meanwhile has
  closed its socket, and the proxy then closes the other side).

Toxiproxy cannot be installed here; this is the "small asyncio TCP proxy" docs/quality.md asks for.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, Self, TypeVar

from lka_common.testing.processes import free_port

T = TypeVar("T")
CHUNK = 64 * 1024


class TcpProxy:
    """`127.0.0.1:<port>` → `target_host:target_port`, in a thread of its own."""

    def __init__(self, target_host: str, target_port: int, port: int | None = None) -> None:
        self.target = (target_host, target_port)
        self.port = port or free_port()
        self.state = "stopped"
        self.accepted = 0  # connections accepted in all, for the drills' reports
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"tcp-proxy-{self.port}", daemon=True)
        self._server: asyncio.Server | None = None
        self._flowing = asyncio.Event()
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    # ----------------------------------------------------------------- called from the test

    def start(self) -> Self:
        self._thread.start()
        self.forward()
        return self

    def forward(self) -> None:
        self._call(self._forward())

    def refuse(self) -> None:
        self._call(self._refuse())

    def black_hole(self) -> None:
        self._call(self._black_hole())

    def live_connections(self) -> int:
        return self._call(self._count())

    def close(self) -> None:
        if self._thread.is_alive():
            self._call(self._shutdown())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop.close()
        self.state = "stopped"

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    # ----------------------------------------------------------------- in the proxy's loop

    async def _count(self) -> int:
        return len(self._tasks)

    async def _shutdown(self) -> None:
        tasks = list(self._tasks)
        await self._refuse()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)

    async def _forward(self) -> None:
        await self._listen()
        self._flowing.set()
        self.state = "forward"

    async def _black_hole(self) -> None:
        self._flowing.clear()
        await self._listen()
        self.state = "black_hole"

    async def _refuse(self) -> None:
        self._flowing.clear()
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()  # a reset, not a polite close: the peer vanished
        self._writers.clear()
        for task in list(self._tasks):
            task.cancel()
        self.state = "refuse"

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self._writers.add(client_writer)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        server_writer: asyncio.StreamWriter | None = None
        try:
            await self._flowing.wait()  # black-holed: accepted, and then nothing
            server_reader, server_writer = await asyncio.open_connection(*self.target)
            self._writers.add(server_writer)
            await asyncio.gather(self._pump(client_reader, server_writer), self._pump(server_reader, client_writer))
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            for writer in (client_writer, server_writer):
                if writer is not None:
                    self._writers.discard(writer)
                    writer.transport.abort()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await self._flowing.wait()
                data = await reader.read(CHUNK)
                if not data:
                    break
                await self._flowing.wait()  # read just before a black hole: held, not passed
                writer.write(data)
                await writer.drain()
        finally:
            with contextlib.suppress(OSError, RuntimeError):
                if writer.can_write_eof():
                    writer.write_eof()
