"""Fault-injection pauses for the reliability drills (tests/drills).

A drill starts a real relay or consumer with `LKA_FAULT_PAUSE=<point>:<seconds>`; at that
point the process logs `fault_pause` and sleeps, and the drill kills it with SIGKILL inside
the window it wants to prove safe. Never honoured in production.
"""

from __future__ import annotations

import asyncio
import os

import structlog

log = structlog.get_logger(__name__)


def _configured() -> tuple[str, float] | None:
    raw = os.environ.get("LKA_FAULT_PAUSE", "")
    if not raw or os.environ.get("LKA_ENVIRONMENT") == "production":
        return None
    point, _, seconds = raw.partition(":")
    return point, float(seconds or 3600)


async def pause_point(point: str) -> None:
    configured = _configured()
    if configured and configured[0] == point:
        log.warning("fault_pause", point=point, seconds=configured[1])
        await asyncio.sleep(configured[1])
