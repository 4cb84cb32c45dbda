"""A worker settles its heap before its work begins, an API or the gateway before it serves
(lka_common.heap): what start-up built is frozen, out of the garbage collector's walks, and what
the work makes afterwards is not."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import textwrap

from lka_common.worker import serve_worker


class Kept:
    """An object made before the worker starts, as its engines and schemas are."""


def test_a_worker_freezes_what_start_up_built_before_its_work_begins() -> None:
    kept = Kept()
    seen: dict[str, bool] = {}

    async def main(stop: asyncio.Event) -> None:
        made_during_work = Kept()
        # gc.get_objects lists only what the collector still tracks in its generations: a frozen
        # object is in none of them.
        tracked = {id(o) for o in gc.get_objects()}
        seen["start-up frozen"] = id(kept) not in tracked
        seen["work tracked"] = id(made_during_work) in tracked
        seen["freeze count"] = gc.get_freeze_count() > 0

    try:
        asyncio.run(serve_worker(main, lambda: True, "127.0.0.1", 0))
    finally:
        gc.unfreeze()
    assert seen == {"start-up frozen": True, "work tracked": True, "freeze count": True}


def frozen_when_serving(script: str) -> int:
    """How many objects were frozen when `script` (which must replace uvicorn.run by `serve`)
    reached the server; in a process of its own, as its logging and tracing set-up are global."""
    preamble = textwrap.dedent(
        """
        import gc
        import uvicorn

        def serve(app, **options):
            print("frozen", gc.get_freeze_count(), flush=True)

        uvicorn.run = serve
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", preamble + textwrap.dedent(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.split("frozen", 1)[1].split()[0])


def test_an_api_freezes_what_start_up_built_before_it_serves() -> None:
    frozen = frozen_when_serving(
        """
        from fastapi import FastAPI
        from lka_common.settings import ServiceSettings
        from lka_common.web import serve_api

        serve_api(FastAPI(), ServiceSettings())
        """
    )
    assert frozen > 10_000  # the modules, FastAPI's and pydantic's start-up objects


def test_the_gateway_freezes_what_start_up_built_before_it_serves() -> None:
    frozen = frozen_when_serving(
        """
        from lka_gateway.main import main

        main()
        """
    )
    assert frozen > 10_000
