"""Serving an ASGI app for real (uvicorn on a free port) inside a test's event loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn

from lka_common.testing.processes import free_port


@asynccontextmanager
async def serve_in_background(app: Any) -> AsyncIterator[str]:
    """Run `app` (lifespan included) on 127.0.0.1:<free port>; yields its base URL."""
    port = free_port()
    # No proxy headers, as lka_common.web.serve_api: the app sees the real peer.
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on", proxy_headers=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("server stopped before it started")
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
