"""Real OS processes for tests: start an entrypoint, read its JSON log, kill it for real."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


def json_records(lines: Iterable[str]) -> list[dict[str, Any]]:
    """The structured log records among `lines`; anything else (a traceback, a banner) is skipped."""
    out = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            out.append(record)
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServiceProcess:
    """A child process whose stdout (JSON lines) goes to a file the test can search."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = Path(tempfile.mkstemp(prefix=f"lka-{name}-", suffix=".log")[1])
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> ServiceProcess:
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            self.argv, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env}, start_new_session=True
        )
        log.close()
        return self

    @classmethod
    def module(cls, name: str, module: str, env: dict[str, str]) -> ServiceProcess:
        return cls(name, [sys.executable, "-m", module], {"PYTHONUNBUFFERED": "1", **env})

    def records(self) -> list[dict[str, Any]]:
        return json_records(self.log_path.read_text(errors="replace").splitlines())

    def text(self) -> str:
        return self.log_path.read_text(errors="replace")

    async def wait_for_log(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for record in self.records():
                if predicate(record):
                    return record
            if self.popen is not None and self.popen.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.popen.returncode}:\n{self.text()[-3000:]}")
            await asyncio.sleep(0.1)
        raise AssertionError(f"{self.name}: no matching log line in {timeout}s:\n{self.text()[-3000:]}")

    async def wait_for_text(self, needle: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if self.popen is not None and self.popen.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.popen.returncode}:\n{self.text()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: no {needle!r} in {timeout}s:\n{self.text()[-3000:]}")
            await asyncio.sleep(0.2)

    async def wait_for_event(self, event: str, timeout: float = 20, **fields: Any) -> dict[str, Any]:
        return await self.wait_for_log(
            lambda r: r.get("event") == event and all(r.get(k) == v for k, v in fields.items()), timeout
        )

    def kill(self) -> None:
        """SIGKILL: no handler, no cleanup, no flush. A crash, not a shutdown."""
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def cleanup(self) -> None:
        self.kill()
        self.log_path.unlink(missing_ok=True)
