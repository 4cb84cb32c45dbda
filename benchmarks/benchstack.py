"""The whole stack for `make bench`, as the e2e tests' `stack` fixture starts it (tests/e2e/conftest.py):
`lka-dev run` on ports of its own (`LKA_DEV_PORT_OFFSET`), fresh databases, a private vhost,
every process carrying a marker in its environment; and the floor's server and database.
Everything is removed again on the way out, Ctrl-C included.

Connections come from PostgreSQL's budget (lka_devstack.budget): the floor claims its pool
before it starts, and the stack takes the largest pools, up to those asked for, that fit beside
whatever else runs (a developer's `make run`). With `--pooler` the stack's services reach their
databases through a PgBouncer of the benchmark's own, in transaction mode."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from floor import POOL_SIZE as FLOOR_POOL_SIZE

from lka_common.testing.databases import async_url, create_migrated_database, drop_database
from lka_common.testing.layout import service_dir
from lka_common.testing.private_servers import PrivatePgBouncer
from lka_common.testing.processes import ServiceProcess, free_port
from lka_common.testing.servers import Servers, private_vhost
from lka_common.testing.stack import SERVICES, Stack, database_url, pick_offset, stack_environment
from lka_devstack import budget

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
READY_TEXT = "ЛКА запущен"
BUDGET_TEXT = "[lka-dev] соединения PostgreSQL"
_NO_LIMIT = {"rate": 1_000_000_000, "burst": 1_000_000_000}
BIG = "1000000000"


def raised_limits(run_id: str) -> dict[str, str]:
    """Every per-client and per-user limit the mix could reach, lifted: 32 subscribers sign up
    from one address (127.0.0.1) and each calls far more often than a person does."""
    return {
        "LKA_GATEWAY_RATE_LIMITS": json.dumps({"anonymous": _NO_LIMIT, "signed_in": _NO_LIMIT}),
        # Counters of this run only, so they neither meet a developer's `make run` in Redis nor stay.
        "LKA_GATEWAY_RATE_LIMIT_PREFIX": f"lka:bench:{run_id}:",
        "LKA_IDENTITY_MAIL_REQUESTS_PER_CLIENT_PER_HOUR": BIG,
        "LKA_IDENTITY_LOGIN_FAILURES_PER_CLIENT": BIG,
        "LKA_IDENTITY_TOKEN_FAILURES_PER_CLIENT_PER_HOUR": BIG,
        "LKA_ACCOUNTS_LINK_FAILURES_PER_USER": BIG,
        "LKA_ACCOUNTS_LINK_FAILURES_PER_ACCOUNT": BIG,
        "LKA_READINGS_ANONYMOUS_READINGS_PER_CLIENT_PER_HOUR": BIG,
        "LKA_READINGS_ANONYMOUS_READINGS_PER_ACCOUNT_PER_DAY": BIG,
        "LKA_NOTIFICATIONS_FEEDBACK_PER_CLIENT_PER_HOUR": BIG,
        "LKA_NOTIFICATIONS_LETTERS_PER_RECIPIENT_PER_HOUR": BIG,
    }


@dataclass
class BenchStack:
    stack: Stack
    databases: dict[str, str]  # service -> database name
    admin_url: str
    run_id: str
    keep_log: bool = False  # set when something went wrong: the log is kept for a look

    def troubles(self, limit: int = 8) -> list[str]:
        """The most frequent warnings and errors in the stack's log: `count  process  event  error`."""
        seen: Counter[str] = Counter()
        for line in self.stack.process.text().splitlines():
            name, bar, rest = line.partition(" | ")
            if not bar or not rest.startswith("{"):
                continue
            try:
                record = json.loads(rest)
            except ValueError:
                continue
            if record.get("level") in ("warning", "error", "critical"):
                error = str(record.get("error") or record.get("exception") or "").splitlines()
                seen[f"{name.strip()}  {record.get('event')}  {(error[-1] if error else '')[:160]}"] += 1
        return [f"{count:>6}  {text}" for text, count in seen.most_common(limit)]

    def database_url(self, service: str) -> str:
        """An admin URL of the service's database (for asyncpg)."""
        return async_url(self.admin_url, self.databases[service]).replace("postgresql+asyncpg", "postgresql")

    def budget_line(self) -> str:
        """What `lka-dev` said of the stack's connections: its ceiling, its pools, what was free."""
        return next((line for line in self.stack.process.text().splitlines() if line.startswith(BUDGET_TEXT)), "")


def _wait_for_text(process: ServiceProcess, needle: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while needle not in process.text():
        if process.popen is not None and process.popen.poll() is not None:
            raise SystemExit(f"the stack exited with {process.popen.returncode}:\n{process.text()[-3000:]}")
        if time.monotonic() > deadline:
            raise SystemExit(f"the stack was not up in {timeout_s:.0f} s:\n{process.text()[-3000:]}")
        time.sleep(0.3)


def _keep_log(process: ServiceProcess, name: str) -> Path | None:
    try:
        kept = Path(tempfile.gettempdir()) / f"lka-bench-{name}.log"
        shutil.copyfile(process.log_path, kept)
        return kept
    except OSError:
        return None


def pooled_env(pooler: PrivatePgBouncer, names: dict[str, str], direct: dict[str, str]) -> dict[str, str]:
    """Each service through the pooler, its relay's LISTEN (and lka-dev's migrations) past it."""
    env = {}
    for svc, name in names.items():
        prefix = f"LKA_{svc.upper()}_"
        env[prefix + "DATABASE_URL"] = pooler.url(f"lka_{svc}", name)
        env[prefix + "DATABASE_DIRECT_URL"] = direct[svc]
        env[prefix + "DB_TRANSACTION_POOLER"] = "true"
    return env


@contextmanager
def running_stack(
    servers: Servers, run_id: str, extra_env: dict[str, str], pooler: PrivatePgBouncer | None = None
) -> Iterator[BenchStack]:
    """The stack up (banner printed), then stopped, its databases dropped and its vhost deleted."""
    with ExitStack() as cleanup:
        amqp_url = cleanup.enter_context(private_vhost(servers, f"lka_bench_{run_id}"))
        offset = pick_offset()
        marker = uuid.uuid4().hex
        names = {svc: f"lka_bench_{run_id}_{svc}" for svc in SERVICES}
        urls = {svc: database_url(svc, name) for svc, name in names.items()}
        env = stack_environment(offset, marker, servers.postgres_url, amqp_url, urls) | extra_env
        if pooler is not None:
            env |= pooled_env(pooler, names, urls)

        def drop_all() -> None:
            for name in names.values():
                drop_database(servers.postgres_url, name)

        cleanup.callback(drop_all)
        process = ServiceProcess.module("stack", "lka_devstack", env)
        process.argv.append("run")
        bench = BenchStack(Stack(process, offset, marker, amqp_url), names, servers.postgres_url, run_id, True)

        def stop() -> None:
            process.stop()
            if bench.keep_log and (kept := _keep_log(process, run_id)):
                print(f"[bench] the stack's log is kept: {kept}", flush=True)
            process.cleanup()

        cleanup.callback(stop)
        process.start()
        _wait_for_text(process, READY_TEXT, 240)
        bench.keep_log = False
        yield bench


@dataclass
class Floor:
    url: str
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        """Stopped once measured: its pool's connections go back to PostgreSQL's 100 for the stack."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def claimed_connections(server_url: str, count: int) -> Iterator[str]:
    """A claim of `count` connections in PostgreSQL's budget for as long as the block runs (held
    on a connection of a thread of its own); yields the tag its clients' names carry."""
    ready, release = threading.Event(), threading.Event()
    box: dict[str, Any] = {}

    async def hold() -> None:
        try:
            async with budget.claim_connections(server_url, count) as claim:
                box["tag"] = claim.tag
                ready.set()
                await asyncio.to_thread(release.wait)
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = error
            ready.set()

    thread = threading.Thread(target=asyncio.run, args=(hold(),), daemon=True)
    thread.start()
    ready.wait()
    if "error" in box:
        raise box["error"]
    try:
        yield str(box["tag"])
    finally:
        release.set()
        thread.join(10)


@contextmanager
def running_floor(servers: Servers, run_id: str) -> Iterator[Floor]:
    """The floor's server (benchmarks/floor.py) on a fresh readings database, its pool claimed in
    PostgreSQL's budget before the stack takes its own; then both removed."""
    name = f"lka_bench_{run_id}_floor"
    with ExitStack() as cleanup:
        tag = cleanup.enter_context(claimed_connections(servers.postgres_url, FLOOR_POOL_SIZE))
        cleanup.callback(drop_database, servers.postgres_url, name)
        url = create_migrated_database(servers.postgres_url, name, service_dir("readings"))
        port = free_port()
        log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the ExitStack
        cleanup.callback(log.close)
        child = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "floor.py"),
                "--port",
                str(port),
                "--database-url",
                url,
                "--application-name",
                f"lka_bench_floor@{tag}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the benchmark only, which stops it
        )

        floor = Floor(f"http://127.0.0.1:{port}", child)
        cleanup.callback(floor.stop)
        base = floor.url
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310 - our own loopback server
                    break
            except OSError:
                if child.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise SystemExit(
                        f"the floor did not start:\n{log.read().decode(errors='replace')[-2000:]}"
                    ) from None
                time.sleep(0.2)
        yield floor
