"""A private PostgreSQL cluster (initdb + pg_ctl as the postgres OS user) a drill may stop."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from lka_common.testing.private_servers._util import pg_binary
from lka_common.testing.processes import free_port


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own: `initdb` in a temp folder, on a free port."""

    def __init__(self, port: int | None = None, max_connections: int = 60) -> None:
        self.port = port or free_port()
        self.max_connections = max_connections  # a whole stack (tests/e2e drills) needs ~70
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
                pg_binary("initdb"),
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
            f"-c max_connections={self.max_connections} -c shared_buffers=32MB"
        )
        started = time.monotonic()
        result = self._as_postgres(
            [
                pg_binary("pg_ctl"),
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
        result = self._as_postgres([pg_binary("pg_ctl"), "-D", str(self.data_dir), "-m", mode, "-w", "stop"])
        if result.returncode != 0 and self.running():
            raise RuntimeError(f"pg_ctl stop failed: {result.stdout}\n{result.stderr}")

    def running(self) -> bool:
        if not self.initialized:
            return False
        return self._as_postgres([pg_binary("pg_ctl"), "-D", str(self.data_dir), "status"]).returncode == 0

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
