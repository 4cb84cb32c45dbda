"""The supervisor of `make run`: a death before the stack is up stops everything; once it is up,
a dead child is started again with a back-off; Ctrl-C (stop_all) stops all and restarts none."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import pytest

from lka_devstack import supervisor as supervisor_module
from lka_devstack.layout import Process
from lka_devstack.supervisor import Supervisor

SLEEPER = Process("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"])
QUITTER = Process("quitter", [sys.executable, "-c", "raise SystemExit(3)"])


async def until(check: object, timeout: float = 20) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():  # type: ignore[operator]
        assert loop.time() < deadline, "not within the deadline"
        await asyncio.sleep(0.05)


@pytest.fixture(autouse=True)
def quick_back_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(supervisor_module, "RESTART_FIRST_S", 0.1)


async def test_a_death_before_the_stack_is_up_stops_everything() -> None:
    sup = Supervisor([SLEEPER, QUITTER], dict(os.environ))
    await sup.start_all()
    try:
        await asyncio.wait_for(sup.exited.wait(), 20)
        assert sup.restarts == {"sleeper": 0, "quitter": 0}
    finally:
        await sup.stop_all()
    assert all(child.returncode is not None for child in sup.children.values())


async def test_once_up_a_killed_child_is_started_again_and_stop_all_restarts_nothing() -> None:
    sup = Supervisor([SLEEPER], dict(os.environ))
    await sup.start_all()
    sup.keep_alive()
    try:
        first = sup.children["sleeper"]
        os.killpg(first.pid, signal.SIGKILL)
        await until(lambda: sup.children["sleeper"] is not first)
        second = sup.children["sleeper"]
        assert second.returncode is None and sup.restarts["sleeper"] == 1
        assert not sup.exited.is_set()
    finally:
        await sup.stop_all()
    await asyncio.sleep(0.5)  # longer than the back-off: a restart would have happened by now
    assert sup.children["sleeper"] is second and second.returncode is not None
    assert sup.restarts["sleeper"] == 1


async def test_a_child_dying_again_and_again_is_restarted_with_a_growing_delay() -> None:
    sup = Supervisor([QUITTER], dict(os.environ))
    sup.keep_alive()
    await sup.start_all()
    try:
        await until(lambda: sup.restarts["quitter"] >= 3)
        # Waited 0.1 s, 0.2 s, 0.4 s: the next delay is 0.8 s (1.6 s if it has died once more).
        restarts, delay = sup.restarts["quitter"], sup._restart_delay["quitter"]
        assert any(delay == pytest.approx(0.1 * 2**n) for n in (restarts, restarts + 1)), (restarts, delay)
        assert not sup.exited.is_set()
    finally:
        await sup.stop_all()


@pytest.mark.parametrize(("terminal", "expected"), [(True, "console"), (False, None)])
def test_a_terminal_gets_console_logs_and_a_pipe_json(
    monkeypatch: pytest.MonkeyPatch, terminal: bool, expected: str | None
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: terminal)
    env = {k: v for k, v in os.environ.items() if k != "LKA_LOG_FORMAT"}
    assert Supervisor([SLEEPER], env).env.get("LKA_LOG_FORMAT") == expected
    assert Supervisor([SLEEPER], env | {"LKA_LOG_FORMAT": "json"}).env["LKA_LOG_FORMAT"] == "json"
