"""Private server instances the reliability drills may stop, kill and start (MESSAGING.md, tests).

The shared PostgreSQL and RabbitMQ of the machine are never stopped: a drill that needs a
database or a broker to go away starts one of these first, on free ports and in a temporary
folder of its own, and removes it in `finally` (each class is a context manager).

- `PrivatePostgres`: a cluster made with `initdb`, run with `pg_ctl` as the `postgres` OS user
  (PostgreSQL refuses to run as root); `stop(mode="immediate")` is a crash for the clients.
- `PrivateRabbitMQ`: a second RabbitMQ node with its own node name, AMQP and distribution
  ports, data, log, config and cookie; `kill()` is a SIGKILL of the whole node and `start()`
  again recovers its durable state from the same data folder.
- `PrivateMailCatcher`: the development mail catcher (`python -m lka_mailcatcher`) on free
  ports, to count the letters a consumer sends.

Measured on the 2-core development machine: `initdb` 0.5 s, a PostgreSQL start 0.1 s; a
RabbitMQ 3.10 node start (first or after a kill) 5-6 s.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiohttp

from lka_common.testing.processes import ServiceProcess, free_port

PG_BIN_DIRS = ("/usr/local/bin", "/usr/lib/postgresql/15/bin")
RABBITMQ_SERVER_CANDIDATES = (
    # The real script: /usr/sbin/rabbitmq-server would `su rabbitmq` when run as root.
    "/usr/lib/rabbitmq/bin/rabbitmq-server",
    "/usr/lib/rabbitmq/sbin/rabbitmq-server",
)
# Every process of a private node carries this variable: beam, and the port programs that
# `erl_child_setup` runs in a session of its own (out of reach of a process-group kill).
NODE_MARKER_ENV = "LKA_PRIVATE_RABBITMQ"


def _pg_binary(name: str) -> str:
    for folder in PG_BIN_DIRS:
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"PostgreSQL's {name} not found in {PG_BIN_DIRS} or on PATH")
    return found


def _rabbitmq_server() -> str:
    for candidate in RABBITMQ_SERVER_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    found = shutil.which("rabbitmq-server")
    if found is None:
        raise RuntimeError("rabbitmq-server not found")
    return found


def _wait(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout}s")
        time.sleep(interval)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own: `initdb` in a temp folder, on a free port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.base_dir = Path(tempfile.mkdtemp(prefix="lka-pg-"))
        self.data_dir = self.base_dir / "data"
        self.log_path = self.base_dir / "server.log"
        self.initialized = False
        self.start_seconds: float | None = None

    @property
    def admin_url(self) -> str:
        """A superuser URL (trust authentication, plain `postgresql://` scheme)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, argv: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        result = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, cwd=self.base_dir, stdin=subprocess.DEVNULL
        )
        return result

    def init(self) -> Self:
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.base_dir, user.pw_uid, user.pw_gid)
        result = self._as_postgres(
            [
                _pg_binary("initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ]
        )
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stdout}\n{result.stderr}")
        self.initialized = True
        return self

    def start(self, timeout: float = 30) -> None:
        # fsync=off: a drill kills processes, not the machine, and the kernel keeps what was
        # written. synchronous_commit stays on: an immediate stop must not lose a commit.
        options = (
            f"-p {self.port} -k {self.base_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=60 -c shared_buffers=32MB"
        )
        started = time.monotonic()
        result = self._as_postgres(
            [
                _pg_binary("pg_ctl"),
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_path),
                "-w",
                "-t",
                str(int(timeout)),
                "-o",
                options,
                "start",
            ],
            timeout=timeout + 10,
        )
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {result.stdout}\n{result.stderr}\n{self.log_tail()}")
        self.start_seconds = time.monotonic() - started

    def stop(self, mode: str = "immediate") -> None:
        """`immediate`: every backend is killed at once, no checkpoint (recovery on next start)."""
        result = self._as_postgres([_pg_binary("pg_ctl"), "-D", str(self.data_dir), "-m", mode, "-w", "stop"])
        if result.returncode != 0 and self.running():
            raise RuntimeError(f"pg_ctl stop failed: {result.stdout}\n{result.stderr}")

    def running(self) -> bool:
        if not self.initialized:
            return False
        return self._as_postgres([_pg_binary("pg_ctl"), "-D", str(self.data_dir), "status"]).returncode == 0

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def cleanup(self) -> None:
        try:
            if self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        try:
            self.init()
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cleanup()


class PrivateRabbitMQ:
    """A RabbitMQ node of the test's own, next to the shared `rabbit@localhost`.

    It registers with the machine's epmd under its own name, listens on 127.0.0.1 only, has
    no plugins, and keeps everything (data, logs, config, Erlang cookie via HOME) in one temp
    folder. Run as a child in its own process group; `kill()` SIGKILLs every process of it.
    """

    def __init__(self, port: int | None = None, dist_port: int | None = None) -> None:
        self.port = port or free_port()
        self.dist_port = dist_port or free_port()
        self.short_name = f"lkadrill{self.port}"
        self.node_name = f"{self.short_name}@localhost"
        self.marker = uuid.uuid4().hex
        self.base_dir = Path(tempfile.mkdtemp(prefix="lka-rabbit-"))
        self.log_path = self.base_dir / "console.log"
        self.popen: subprocess.Popen[bytes] | None = None
        self.start_seconds: list[float] = []
        for folder in ("mnesia", "log", "home"):
            (self.base_dir / folder).mkdir()
        (self.base_dir / "enabled_plugins").write_text("")
        (self.base_dir / "rabbitmq-env.conf").write_text("# empty: the shared /etc/rabbitmq one is not ours\n")
        (self.base_dir / "rabbitmq.conf").write_text(
            f"listeners.tcp.1 = 127.0.0.1:{self.port}\n"
            "log.console = true\n"
            "log.console.level = warning\n"
            "log.file.level = info\n"
        )

    @property
    def amqp_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def env(self) -> dict[str, str]:
        base = self.base_dir
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_")) and k != "HOME"}
        return {
            **inherited,
            # The Erlang cookie is $HOME/.erlang.cookie, created on first start: ours, not root's.
            "HOME": str(base / "home"),
            "RABBITMQ_NODENAME": self.node_name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_CONF_ENV_FILE": str(base / "rabbitmq-env.conf"),
            "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(base / "advanced.config"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(base / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_PID_FILE": str(base / "node.pid"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            NODE_MARKER_ENV: self.marker,
        }

    def start(self, timeout: float = 60) -> None:
        """Start the node (again, on the same data) and wait until it speaks AMQP."""
        if self.popen is not None and self.popen.poll() is None:
            raise RuntimeError("the node is already running")
        _wait(lambda: not self._registered_in_epmd(), 15, f"{self.short_name} still registered in epmd")
        _wait(lambda: not _port_open(self.port), 15, f"port {self.port} still open")
        started = time.monotonic()
        with self.log_path.open("ab") as log:
            self.popen = subprocess.Popen(
                [_rabbitmq_server()],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env(),
                cwd=self.base_dir,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not self._speaks_amqp():
            if self.popen.poll() is not None:
                raise RuntimeError(f"rabbitmq-server exited with {self.popen.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.kill()
                raise TimeoutError(f"{self.node_name} did not start in {timeout}s:\n{self.log_tail()}")
            time.sleep(0.1)
        self.start_seconds.append(time.monotonic() - started)

    def kill(self) -> None:
        """SIGKILL the whole node at once: a crash, no shutdown, no flush."""
        if self.popen is not None and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
        for pid in self._node_pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if self.popen is not None:
            self.popen.wait(timeout=10)
        _wait(lambda: not self._node_pids(), 10, f"processes of {self.node_name} still alive")
        # epmd drops a name when its node's connection closes; a restart waits for that.
        _wait(lambda: not self._registered_in_epmd(), 10, f"{self.short_name} still registered in epmd")

    def stop(self, timeout: float = 30) -> None:
        """A graceful shutdown (SIGTERM), falling back to `kill()`."""
        if self.popen is None or self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=timeout)
        self.kill()

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def _node_pids(self) -> list[int]:
        """Every live process started for this node (found by the marker in its environment)."""
        needle = f"{NODE_MARKER_ENV}={self.marker}".encode()
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                environ = (entry / "environ").read_bytes()
                stat = (entry / "stat").read_text()
                comm = (entry / "comm").read_text()
            except OSError:
                continue
            # epmd is left alone: it is the machine's, shared with the shared node.
            if needle in environ.split(b"\0") and ") Z" not in stat and comm.strip() != "epmd":
                pids.append(int(entry.name))
        return pids

    def _registered_in_epmd(self) -> bool:
        epmd = shutil.which("epmd")
        if epmd is None:
            return False
        result = subprocess.run([epmd, "-names"], capture_output=True, text=True, timeout=10)
        return any(line.split()[1:2] == [self.short_name] for line in result.stdout.splitlines())

    def _speaks_amqp(self) -> bool:
        """True once the node answers the AMQP 0-9-1 protocol header with Connection.Start."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"AMQP\x00\x00\x09\x01")
                first = sock.recv(1)
                return first == b"\x01"  # a METHOD frame
        except OSError:
            return False

    def log_tail(self, chars: int = 4000) -> str:
        text = ""
        for path in [self.log_path, *sorted((self.base_dir / "log").glob("*.log"))]:
            try:
                text += f"--- {path.name}\n" + path.read_text(errors="replace")[-chars:]
            except OSError:
                continue
        return text

    def cleanup(self) -> None:
        try:
            self.kill()
        finally:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cleanup()


class PrivateMailCatcher:
    """`python -m lka_mailcatcher` on free ports, for counting the letters a process sends."""

    def __init__(self, max_messages: int = 100_000) -> None:
        self.smtp_port = free_port()
        self.http_port = free_port()
        self.process = ServiceProcess.module(
            "mailcatcher",
            "lka_mailcatcher",
            {
                "LKA_MAILCATCHER_SMTP_PORT": str(self.smtp_port),
                "LKA_MAILCATCHER_HTTP_PORT": str(self.http_port),
                "LKA_MAILCATCHER_MAX_MESSAGES": str(max_messages),
            },
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self, timeout: float = 20) -> None:
        self.process.start()
        deadline = time.monotonic() + timeout
        while not (_port_open(self.smtp_port) and _port_open(self.http_port)):
            if self.process.popen is not None and self.process.popen.poll() is not None:
                raise RuntimeError(f"mail catcher exited:\n{self.process.text()[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"mail catcher did not start in {timeout}s:\n{self.process.text()[-3000:]}")
            time.sleep(0.05)

    async def letters(self) -> list[dict[str, Any]]:
        async with aiohttp.ClientSession() as session, session.get(f"{self.base_url}/api/messages") as response:
            response.raise_for_status()
            letters: list[dict[str, Any]] = await response.json()
            return letters

    async def clear(self) -> None:
        async with aiohttp.ClientSession() as session, session.delete(f"{self.base_url}/api/messages") as response:
            response.raise_for_status()

    def cleanup(self) -> None:
        self.process.cleanup()

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cleanup()
