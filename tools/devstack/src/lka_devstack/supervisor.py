"""One foreground supervisor for the whole stack: prefixed logs, readiness, clean Ctrl-C.

Each child runs in its own process group and is told to die with its parent (Linux
PR_SET_PDEATHSIG), so neither Ctrl-C nor a killed supervisor leaves a process behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import signal
import sys
import time

import aiohttp

from lka_devstack.layout import Process

_COLORS = [31, 32, 33, 34, 35, 36, 91, 92, 93, 94, 95, 96]
STOP_GRACE_S = 5.0


def _die_with_parent() -> None:
    os.setpgrp()
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _pretty(line: str) -> str:
    """Shorten a JSON log line to `level event key=value…` for a person reading the terminal."""
    try:
        record = json.loads(line)
    except ValueError:
        return line
    if not isinstance(record, dict):
        return line
    level = record.pop("level", "info")
    event = record.pop("event", "")
    for noise in ("timestamp", "process", "logger"):
        record.pop(noise, None)
    rest = " ".join(f"{k}={v}" for k, v in record.items())
    return f"{level:<7} {event} {rest}".rstrip()


class Supervisor:
    def __init__(self, processes: list[Process], env: dict[str, str]) -> None:
        self.processes = processes
        self.env = env
        self.children: dict[str, asyncio.subprocess.Process] = {}
        self.width = max(len(p.name) for p in processes)
        self.exited = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start_all(self) -> None:
        for index, proc in enumerate(self.processes):
            child = await asyncio.create_subprocess_exec(
                *proc.argv,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                env={**self.env, **proc.env},
                preexec_fn=_die_with_parent,
            )
            self.children[proc.name] = child
            for coro in (self._pump(proc.name, child, _COLORS[index % len(_COLORS)]), self._watch(proc.name, child)):
                task = asyncio.create_task(coro)
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _pump(self, name: str, child: asyncio.subprocess.Process, color: int) -> None:
        assert child.stdout is not None
        prefix = f"\x1b[{color}m{name:<{self.width}} |\x1b[0m " if sys.stdout.isatty() else f"{name:<{self.width}} | "
        async for raw in child.stdout:
            line = raw.decode(errors="replace").rstrip()
            print(prefix + (_pretty(line) if sys.stdout.isatty() else line), flush=True)

    async def _watch(self, name: str, child: asyncio.subprocess.Process) -> None:
        code = await child.wait()
        if not self.exited.is_set():
            print(f"[lka-dev] процесс {name} завершился с кодом {code}; останавливаю всё", flush=True)
            self.exited.set()

    async def wait_ready(self, timeout_s: float = 90) -> list[str]:
        """Names of the processes not ready within the timeout (empty when all are)."""
        pending = {p.name: p.ready_url for p in self.processes if p.ready_url}
        deadline = time.monotonic() + timeout_s
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
            while pending and time.monotonic() < deadline and not self.exited.is_set():
                for name, url in list(pending.items()):
                    try:
                        async with http.get(url) as response:
                            if response.status == 200:
                                del pending[name]
                    except (TimeoutError, aiohttp.ClientError):
                        pass
                await asyncio.sleep(0.3)
        return sorted(pending)

    async def stop_all(self) -> None:
        self.exited.set()  # from here on an exit is expected, not news
        alive = [c for c in self.children.values() if c.returncode is None]
        for child in alive:
            _signal_group(child.pid, signal.SIGTERM)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(c.wait() for c in alive)), STOP_GRACE_S)
        for child in self.children.values():
            _signal_group(child.pid, signal.SIGKILL)
            if child.returncode is None:
                await child.wait()


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
