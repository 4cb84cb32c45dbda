"""A whole development stack (`lka-dev run`) for end-to-end tests, on ports of its own."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lka_common.testing.databases import release_idle_suite_connections
from lka_common.testing.processes import ServiceProcess, json_records

SERVICES = ["identity", "accounts", "readings", "payments", "notifications"]
# What a stack binds, before its offset: the APIs, the gateway's metrics, the consumers' probes,
# the relays' and the tools'.
BASE_PORTS = [8000, 8001, 8002, 8003, 8004, 8005, 8100, 8101, 8102, 8103, 8104, 8105]
BASE_PORTS += [8201, 8202, 8203, 8204, 8205, 1025, 8025, 8095, 8090]


def _free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def pick_offset() -> int:
    for _ in range(50):
        # Below the kernel's ephemeral range (32768+): there an outgoing connection may take
        # a port between this check and the stack binding it (seen: a simulator's probe port).
        offset = int.from_bytes(os.urandom(2), "big") % 14000 + 10000
        if all(_free(p + offset) for p in BASE_PORTS):
            return offset
    raise RuntimeError("no free block of ports")


def database_url(svc: str, name: str, port: int = 5432) -> str:
    """How a service of a test's stack reaches its database: its own role, as `make run` makes it."""
    return f"postgresql+asyncpg://lka_{svc}:lka_{svc}@127.0.0.1:{port}/{name}"


def stack_environment(
    offset: int, marker: str, postgres_url: str, amqp_url: str, database_urls: dict[str, str]
) -> dict[str, str]:
    """What `lka-dev run` needs for a stack of its own: its ports moved by `offset`, `marker` in
    every child's environment (so a test can find them all), the servers, and each service's
    database (name -> URL). Callers add their own settings on top.

    A stack is about to start: the connections this process's test suites left idle go back to
    PostgreSQL first, so `lka-dev` finds them in its budget (testing/databases.py)."""
    release_idle_suite_connections()
    env = {
        "LKA_DEV_PORT_OFFSET": str(offset),
        "LKA_E2E_MARKER": marker,
        "LKA_POSTGRES_URL": postgres_url,
        "LKA_AMQP_URL": amqp_url,
        "LKA_ROOT": str(Path(__file__).resolve().parents[5]),  # libs/common/src/lka_common/testing
        # No scheduled work unless a test starts it itself (the autopay drill): a day's reminders
        # or autopayments would write letters and payments other tests count.
        "LKA_PAYMENTS_SCHEDULER_ENABLED": "false",
        "LKA_READINGS_SCHEDULER_ENABLED": "false",
        "LKA_ACCOUNTS_SCHEDULER_ENABLED": "false",
    }
    env.update({f"LKA_{svc.upper()}_DATABASE_URL": url for svc, url in database_urls.items()})
    return env


@dataclass
class Stack:
    process: ServiceProcess
    offset: int
    marker: str
    amqp_url: str

    def url(self, base_port: int) -> str:
        return f"http://127.0.0.1:{base_port + self.offset}"

    @property
    def gateway(self) -> str:
        return self.url(8000)

    @property
    def gateway_metrics(self) -> str:
        """Where the gateway serves `/metrics`: never its public port."""
        return self.url(8100)

    @property
    def mail(self) -> str:
        return self.url(8025)

    def records(self, process: str) -> list[dict[str, Any]]:
        """The JSON log lines of one child (`readings-consumer`…), from the supervisor's output."""
        own = []
        for line in self.process.text().splitlines():
            name, sep, rest = line.partition(" | ")
            if sep and name.strip() == process:
                own.append(rest)
        return json_records(own)

    def supervisor_lines(self) -> list[str]:
        """What `lka-dev` itself said (`[lka-dev] …`): exits, restarts."""
        return [line for line in self.process.text().splitlines() if line.startswith("[lka-dev]")]

    def pid(self, module: str) -> int | None:
        """The live child of this stack running `python -m <module>`, if there is one."""
        for pid in processes_with_marker(self.marker):
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if module.encode() in argv and state != "Z":
                return pid
        return None


@asynccontextmanager
async def running_stack(env: dict[str, str], marker: str, offset: int, amqp_url: str) -> AsyncIterator[Stack]:
    """`lka-dev run` with this environment, until «ЛКА запущен»; stopped, children and all, at the end."""
    process = ServiceProcess.module("stack", "lka_devstack", env)
    process.argv.append("run")
    process.start()
    try:
        await process.wait_for_text("ЛКА запущен", timeout=180)
        yield Stack(process, offset, marker, amqp_url)
    finally:
        process.stop()
        process.cleanup()


def processes_with_marker(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"LKA_E2E_MARKER={marker}".encode() in environ:
            found.append(int(entry.name))
    return found
