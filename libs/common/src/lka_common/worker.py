"""Running a worker process (consumer or relay): logging, signals, and its probe server.

Kubernetes probes a worker over HTTP like an API: `/healthz` (alive), `/readyz` (broker
channel open, database reachable), `/metrics`. A worker that stays unready for long exits,
so its supervisor restarts it rather than letting it limp (docs/messaging.md §Pitfalls).
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable

import structlog
import uvloop
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from lka_common import heap, readiness
from lka_common.logging import configure_logging
from lka_common.tracing import configure_tracing

log = structlog.get_logger(__name__)

UNREADY_EXIT_AFTER_S = 120.0


def _probe_app(ready: Callable[[], bool]) -> web.Application:
    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_: web.Request) -> web.Response:
        if ready():
            return web.json_response({"status": "ready"})
        return web.json_response({"status": "not ready"}, status=503)

    async def metrics(_: web.Request) -> web.Response:
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    return app


async def _watchdog(ready: Callable[[], bool], stop: asyncio.Event) -> None:
    unready_for = 0.0
    while not stop.is_set():
        await asyncio.sleep(1)
        unready_for = 0.0 if ready() else unready_for + 1
        if unready_for >= UNREADY_EXIT_AFTER_S:
            log.error("worker_unready_exit", seconds=unready_for)
            stop.set()
            raise SystemExit(3)


async def serve_worker(
    main: Callable[[asyncio.Event], Awaitable[None]],
    ready: Callable[[], bool],
    health_host: str,
    health_port: int,
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    runner = web.AppRunner(_probe_app(ready), access_log=None)
    await runner.setup()
    if health_port:
        await web.TCPSite(runner, health_host, health_port).start()
    watchdog = asyncio.create_task(_watchdog(ready, stop))
    heap.settle()
    try:
        await main(stop)
    finally:
        watchdog.cancel()
        await runner.cleanup()


def run_worker(
    process: str,
    log_level: str,
    main: Callable[[asyncio.Event], Awaitable[None]],
    ready: Callable[[], bool],
    health_host: str,
    health_port: int,
) -> None:
    configure_logging(process, log_level)
    configure_tracing(process)
    ready = readiness.observed(process, ready)  # every probe and watchdog check sets lka_ready
    try:
        uvloop.run(serve_worker(main, ready, health_host, health_port))
    except KeyboardInterrupt:
        pass
    except Exception:
        log.exception("worker_crashed")
        sys.exit(1)
