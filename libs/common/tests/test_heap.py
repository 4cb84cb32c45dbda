"""A worker settles its heap before its work begins (lka_common.heap): what start-up built is
frozen, out of the garbage collector's walks, and what the work makes afterwards is not."""

from __future__ import annotations

import asyncio
import gc

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
