"""A private RabbitMQ node a drill may SIGKILL and start again on the same data."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Self

from lka_common.testing.private_servers._util import NODE_MARKER_ENV, port_open, rabbitmq_server, wait_until
from lka_common.testing.processes import free_port


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
        wait_until(lambda: not self._registered_in_epmd(), 15, f"{self.short_name} still registered in epmd")
        wait_until(lambda: not port_open(self.port), 15, f"port {self.port} still open")
        started = time.monotonic()
        with self.log_path.open("ab") as log:
            self.popen = subprocess.Popen(
                [rabbitmq_server()],
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
        wait_until(lambda: not self._node_pids(), 10, f"processes of {self.node_name} still alive")
        # epmd drops a name when its node's connection closes; a restart waits for that.
        wait_until(lambda: not self._registered_in_epmd(), 10, f"{self.short_name} still registered in epmd")

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
