"""A whole development stack (`lka-dev run`) for end-to-end tests, on ports of its own."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

from lka_common.testing.processes import ServiceProcess

SERVICES = ["identity", "accounts", "readings", "payments", "notifications"]
BASE_PORTS = [8000, 8001, 8002, 8003, 8004, 8005, 8101, 8102, 8103, 8104, 8105]
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
    def mail(self) -> str:
        return self.url(8025)


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
