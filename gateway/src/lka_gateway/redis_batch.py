"""Rate-limit scripts sent to Redis in batches: one pipeline per turn of the event loop.

A redis-py call has a CPU cost of its own (pool, lock, parsing) that is a large share of a
proxied call (docs/benchmarks.md, "With the edge limits (Redis) and authentication in
place"). The calls that arrive in one turn of the loop go as one non-transactional
pipeline, so that cost is paid per batch, not per call, and the batch is still one round
trip. Each call keeps its own answer (or error).
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import NoScriptError

Call = tuple[str, tuple[float, ...], "asyncio.Future[Any]"]


class ScriptBatcher:
    def __init__(self, client: aioredis.Redis, script: str) -> None:
        self._client = client
        self._script = script
        self._sha = hashlib.sha1(script.encode(), usedforsecurity=False).hexdigest()
        self._queue: list[Call] = []

    async def run(self, key: str, args: tuple[float, ...]) -> Any:
        """The script's answer for `key`, or the exception Redis or the connection raised."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if not self._queue:
            # The first call of a turn schedules the flush; the rest of the turn joins it.
            asyncio.get_running_loop().call_soon(self._flush)
        self._queue.append((key, args, future))
        return await future

    def _flush(self) -> None:
        batch, self._queue = self._queue, []
        task = asyncio.ensure_future(self._send(batch))
        # Held by the loop until done; errors are handed to the callers, never lost here.
        task.add_done_callback(lambda done: done.cancelled() or done.exception())

    async def _send(self, batch: list[Call]) -> None:
        try:
            results = await self._pipeline(batch)
            if any(isinstance(result, NoScriptError) for result in results):
                # Redis restarted or flushed its scripts: load it once, send the batch again.
                await self._client.script_load(self._script)
                results = await self._pipeline(batch)
        except BaseException as exc:  # every caller must hear of it, whatever it is
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(exc if isinstance(exc, Exception) else ConnectionError(repr(exc)))
            if not isinstance(exc, Exception):
                raise
            return
        for (_, _, future), result in zip(batch, results, strict=True):
            if future.done():
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)

    async def _pipeline(self, batch: list[Call]) -> list[Any]:
        async with self._client.pipeline(transaction=False) as pipe:
            for key, args, _ in batch:
                pipe.evalsha(self._sha, 1, key, *args)
            return await pipe.execute(raise_on_error=False)
