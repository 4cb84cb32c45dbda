"""A private PgBouncer in transaction mode in front of a PostgreSQL server (`make bench --pooler`)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Self

from lka_common.testing.private_servers._util import port_open, wait_until
from lka_common.testing.processes import free_port

INSTALL_HINT = "PgBouncer не установлен: make pgbouncer (или apt-get install pgbouncer)"


class PrivatePgBouncer:
    """PgBouncer on a free port, every database of `server_port` behind it, `pool_size` server
    connections per database and role at most, as the Debian package runs it (never as root)."""

    def __init__(self, roles: list[str], server_port: int = 5432, pool_size: int = 5) -> None:
        self.roles = roles
        self.server_port = server_port
        self.pool_size = pool_size
        self.port = free_port()
        self.base_dir = Path(tempfile.mkdtemp(prefix="lka-pgbouncer-"))
        self.log_path = self.base_dir / "pgbouncer.log"
        self.process: subprocess.Popen[bytes] | None = None

    def config(self) -> str:
        # `server_reset_query_always`: SQLAlchemy's dialect prepares every statement by a name
        # of its own (lka_common.db); DEALLOCATE ALL after each transaction keeps the server
        # sessions from piling them up, as SQLAlchemy's documentation asks of a pooler.
        return "\n".join(
            [
                "[databases]",
                f"* = host=127.0.0.1 port={self.server_port}",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                f"listen_port = {self.port}",
                f"unix_socket_dir = {self.base_dir}",
                "auth_type = trust",
                f"auth_file = {self.base_dir / 'userlist.txt'}",
                "pool_mode = transaction",
                f"default_pool_size = {self.pool_size}",
                "max_client_conn = 1000",
                "server_reset_query = DEALLOCATE ALL",
                "server_reset_query_always = 1",
                f"logfile = {self.log_path}",
                "log_connections = 0",
                "log_disconnections = 0",
                "",
            ]
        )

    def start(self) -> Self:
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not Path(binary).exists():
            raise RuntimeError(INSTALL_HINT)
        (self.base_dir / "pgbouncer.ini").write_text(self.config())
        (self.base_dir / "userlist.txt").write_text("".join(f'"{role}" ""\n' for role in self.roles))
        argv = [binary, str(self.base_dir / "pgbouncer.ini")]
        if os.geteuid() == 0:  # PgBouncer refuses to run as root
            user = pwd.getpwnam("postgres")
            for path in [self.base_dir, *self.base_dir.iterdir()]:
                os.chown(path, user.pw_uid, user.pw_gid)
            argv = ["runuser", "-u", "postgres", "--", *argv]
        self.process = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            wait_until(
                lambda: port_open(self.port) or self.process is None or self.process.poll() is not None, 15, "pgbouncer"
            )
        except TimeoutError:
            raise RuntimeError(f"pgbouncer did not start:\n{self.log_tail()}") from None
        if not port_open(self.port):
            raise RuntimeError(f"pgbouncer exited:\n{self.log_tail()}")
        return self

    def url(self, role: str, database: str) -> str:
        return f"postgresql+asyncpg://{role}:{role}@127.0.0.1:{self.port}/{database}"

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Self:
        try:
            return self.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
        shutil.rmtree(self.base_dir, ignore_errors=True)
