"""What the private servers share: finding binaries, waiting, probing ports."""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Callable
from pathlib import Path

PG_BIN_DIRS = ("/usr/local/bin", "/usr/lib/postgresql/15/bin")
RABBITMQ_SERVER_CANDIDATES = (
    # The real script: /usr/sbin/rabbitmq-server would `su rabbitmq` when run as root.
    "/usr/lib/rabbitmq/bin/rabbitmq-server",
    "/usr/lib/rabbitmq/sbin/rabbitmq-server",
)
# Every process of a private node carries this variable: beam, and the port programs that
# `erl_child_setup` runs in a session of its own (out of reach of a process-group kill).
NODE_MARKER_ENV = "LKA_PRIVATE_RABBITMQ"


def pg_binary(name: str) -> str:
    for folder in PG_BIN_DIRS:
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"PostgreSQL's {name} not found in {PG_BIN_DIRS} or on PATH")
    return found


def rabbitmq_server() -> str:
    for candidate in RABBITMQ_SERVER_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    found = shutil.which("rabbitmq-server")
    if found is None:
        raise RuntimeError("rabbitmq-server not found")
    return found


def wait_until(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout}s")
        time.sleep(interval)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0
