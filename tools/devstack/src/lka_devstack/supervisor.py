"""One foreground supervisor for the whole stack: prefixed logs, readiness, restarts, clean Ctrl-C.

Each child runs in its own process group and is told to die with its parent (Linux
PR_SET_PDEATHSIG), so neither Ctrl-C nor a killed supervisor leaves a process behind.

Until every process is ready, a child that exits stops the whole stack (a broken start is
shown at once). Once the stack is up, a child that dies is started again after a back-off
(1 s, doubling to 30 s; back to 1 s after it stayed up 30 s), as Kubernetes would restart
it: a crashed consumer comes back, and a worker that exits after being unready too long
(lka_common.worker) is really restarted, as docs/architecture.md says.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
import time

import aiohttp

from lka_devstack.layout import Process

_COLORS = [31, 32, 33, 34, 35, 36, 91, 92, 93, 94, 95, 96]
STOP_GRACE_S = 5.0
RESTART_FIRST_S = 1.0
RESTART_MAX_S = 30.0
STABLE_AFTER_S = 30.0  # a child up this long is restarted after the shortest delay again


def _die_with_parent() -> None:
    os.setpgrp()
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Supervisor:
    def __init__(self, processes: list[Process], env: dict[str, str]) -> None:
        self.processes = processes
        # A person at a terminal reads coloured one-line logs; a pipe or a file gets JSON
        # (lka_common.logging), each line passed on as it came.
        self.env = {"LKA_LOG_FORMAT": "console", **env} if sys.stdout.isatty() else env
        self.children: dict[str, asyncio.subprocess.Process] = {}
        self.width = max(len(p.name) for p in processes)
        self.colors = {p.name: _COLORS[i % len(_COLORS)] for i, p in enumerate(processes)}
        self.exited = asyncio.Event()  # a child died while a death still stops everything
        self.restarts: dict[str, int] = {p.name: 0 for p in processes}
        self._restart_delay = {p.name: RESTART_FIRST_S for p in processes}
        self._restarting = False
        self._stopping = False
        self._tasks: set[asyncio.Task[None]] = set()

    def keep_alive(self) -> None:
        """From now on a child that dies is restarted instead of stopping the stack."""
        self._restarting = True

    async def start_all(self) -> None:
        for proc in self.processes:
            await self._spawn(proc)

    async def _spawn(self, proc: Process) -> None:
        child = await asyncio.create_subprocess_exec(
            *proc.argv,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env={**self.env, **proc.env},
            preexec_fn=_die_with_parent,
        )
        self.children[proc.name] = child
        if self._stopping:  # stop_all ran while this one was being started
            _signal_group(child.pid, signal.SIGKILL)
        for coro in (self._pump(proc.name, child, self.colors[proc.name]), self._watch(proc, child)):
            self._track(asyncio.create_task(coro))

    def _track(self, task: asyncio.Task[None]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _pump(self, name: str, child: asyncio.subprocess.Process, color: int) -> None:
        assert child.stdout is not None
        prefix = f"\x1b[{color}m{name:<{self.width}} |\x1b[0m " if sys.stdout.isatty() else f"{name:<{self.width}} | "
        async for raw in child.stdout:
            line = raw.decode(errors="replace").rstrip()
            print(prefix + line, flush=True)

    async def _watch(self, proc: Process, child: asyncio.subprocess.Process) -> None:
        started = time.monotonic()
        code = await child.wait()
        if self._stopping:
            return
        if not self._restarting:
            if not self.exited.is_set():
                print(f"[lka-dev] процесс {proc.name} завершился с кодом {code}; останавливаю всё", flush=True)
                self.exited.set()
            return
        if time.monotonic() - started >= STABLE_AFTER_S:
            self._restart_delay[proc.name] = RESTART_FIRST_S
        delay = self._restart_delay[proc.name]
        self._restart_delay[proc.name] = min(delay * 2, RESTART_MAX_S)
        print(f"[lka-dev] процесс {proc.name} завершился с кодом {code}; перезапуск через {delay:g} с", flush=True)
        await asyncio.sleep(delay)
        if self._stopping:
            return
        self.restarts[proc.name] += 1
        await self._spawn(proc)
        print(f"[lka-dev] процесс {proc.name} перезапущен (pid {self.children[proc.name].pid})", flush=True)

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
        self._stopping = True  # from here on an exit is expected, not news, and not restarted
        self.exited.set()
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
