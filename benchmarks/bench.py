"""`make bench`: the portal under load on this machine, everything local (issue 11, docs/quality.md item 17).

    make bench                                          # 32 subscribers, the default phases
    .venv/bin/python benchmarks/bench.py --subscribers 16 --duration 20 --phase-seconds 10
    .venv/bin/python benchmarks/bench.py --profile      # py-spy on readings-api and gateway
    .venv/bin/python benchmarks/bench.py --think-ms 500 # the paced mix's pause after each call
    .venv/bin/python benchmarks/bench.py --trace        # every process exporting its spans (OTLP)
    .venv/bin/python benchmarks/bench.py --duration 240 \
        --alongside ".venv/bin/python benchmarks/reminders.py --run-only"  # paced mix beside that command
    .venv/bin/python benchmarks/bench.py --paced-only --duration 120   # the paced mix alone (no targets judged)

It starts the whole stack itself (`lka-dev run` on ports, databases and a vhost of its own, as
the e2e tests do), with the rate limits lifted (printed below), and removes all of it at the
end, Ctrl-C included. Then:

1. **Virtual subscribers** (32): billing's events for an account and a meter of each are
   published on the stack's broker; each subscriber registers, confirms its address from the
   letter in the mail catcher, signs in once and links its account.
2. **Floor**: a minimal FastAPI endpoint (benchmarks/floor.py, one uvicorn worker) doing a
   reading submission's two inserts, driven by the same client at the same concurrency.
3. **Submit**: every subscriber submits readings through the gateway, nothing else; its
   throughput as a share of the floor's is the figure that survives a noisy machine.
4. **Mix**: every subscriber, again and again: list accounts, read meters, submit a reading,
   read history, start a payment (`POST /payments` with an `Idempotency-Key`, not paid), back
   to back: what the stack can serve, where latency is only subscribers ÷ throughput.
5. **Paced mix**: the same, each subscriber pausing 250 ms after each call (`--think-ms`), four
   calls a second, faster than any person clicks: the latency 32 subscribers at once see.

Each phase prints per call kind req/s, p50/p95/p99 and errors (any answer other than the
expected one), the client's own CPU, where the machine's CPU went by process; the gateway
phases the delay from each reading's 201 to its `readings.reading.submitted.v1` on
`lka.events` (a queue of our own, matched by reading id). At the end: each stack process's
peak resident memory (VmHWM) and PASS/FAIL per target of issue 11. docs/performance.md has a
run's output and what the profile showed.

With `--trace` the stack exports its traces (`OTEL_EXPORTER_OTLP_ENDPOINT`) to a local stand-in
for a collector (lka_common.testing.otlp), which counts the spans it received: the cost of
tracing, against a run without it.

With `--alongside CMD` the command starts as the paced mix's warm-up begins and the phase
reports how long it ran and whether it ended inside the measured time (a background job's cost to
the subscribers: benchmarks/reminders.py's million-account reminder run, docs/performance.md
"Reminders"). Its output goes to a file whose last lines are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import asyncpg
import spyprofile
import uvloop
from benchstack import BenchStack, Floor, claimed_connections, raised_limits, running_floor, running_stack
from procinfo import CpuByProcess, find, peak_memory_mib, stack_processes
from recorder import Progress, Recorder
from results import PhaseResult, targets
from subscribers import (
    FLOOR,
    MIX,
    SUBMIT,
    EventWatch,
    Phase,
    Virtual,
    floor_loop,
    mix_loop,
    publish_accounts,
    sign_up_all,
    submit_loop,
    wait_for_count,
)

from lka_common.testing.otlp import OtlpReceiver
from lka_common.testing.private_servers import PrivatePgBouncer
from lka_common.testing.private_servers.pgbouncer import INSTALL_HINT
from lka_common.testing.servers import Servers, test_servers
from lka_common.testing.stack import SERVICES
from lka_devstack import budget

SERVICE_PROCESSES = ("identity", "accounts", "readings", "payments", "notifications", "gateway")


def say(text: str) -> None:
    print(f"[bench] {text}", flush=True)


Loop = Callable[[Phase, aiohttp.ClientSession, str, Virtual], Coroutine[Any, Any, None]]


@dataclass
class Options:
    subscribers: int
    duration: float
    phase_seconds: float
    warmup: float
    think_ms: float
    api_pool: int | None
    profile: list[str]
    profile_dir: Path
    pooler: bool = False
    pooler_pool: int = 5
    trace: bool = False
    alongside: str = ""
    paced_only: bool = False


@contextmanager
def alongside(command: str, label: str) -> Iterator[None]:
    """Run `command` (split as a shell would, not run by one) for the duration of the block, and say how it went."""
    if not command:
        yield
        return
    handle, name = tempfile.mkstemp(prefix=f"lka-bench-alongside-{label}-", suffix=".log")
    os.close(handle)
    output = Path(name)
    started = time.monotonic()
    with output.open("wb") as sink:
        process = subprocess.Popen(shlex.split(command), stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    say(f"alongside the {label} phase: `{command}` (pid {process.pid}, output {output})")
    try:
        yield
    finally:
        ended = process.poll()
        if ended is None:
            say(f"alongside: still running when the {label} phase ended ({time.monotonic() - started:.0f} s); waiting")
            process.wait()
        say(f"alongside: exit {process.returncode} after {time.monotonic() - started:.0f} s (started with the warm-up)")
        print("\n".join(output.read_text(errors="replace").splitlines()[-25:]), flush=True)


async def run_phase(
    title: str,
    expected: dict[str, int],
    loop: Loop,
    base_url: str,
    virtuals: list[Virtual],
    seconds: float,
    options: Options,
    cpu: CpuByProcess,
    profile_pids: dict[str, int],
    think_s: float = 0.0,
) -> PhaseResult:
    phase = Phase(expected, think_s)
    connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=None)
    timeout = aiohttp.ClientTimeout(total=30)
    label = title.split(":")[0]
    spies: dict[str, subprocess.Popen[bytes]] = {}
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        workers = [asyncio.create_task(loop(phase, session, base_url, me)) for me in virtuals]
        try:
            with Progress(label, options.warmup + seconds, phase.recorder) as progress:
                await asyncio.sleep(options.warmup)
                phase.recorder = Recorder(expected)
                progress.swap(phase.recorder)
                cpu.start()
                for name, pid in profile_pids.items():
                    spies[name] = spyprofile.start(pid, seconds, options.profile_dir / f"{label}-{name}.txt")
                await asyncio.sleep(seconds)
                phase.recorder.close()
                cpu.stop()
                phase.stopping = True
                await asyncio.gather(*workers)
        finally:  # Ctrl-C: no call left running on a closed session, no py-spy left attached
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            if not phase.stopping:
                for spy in spies.values():
                    spy.kill()
    result = PhaseResult(title, phase.recorder, cpu)
    for name, spy in spies.items():
        _, err = await asyncio.to_thread(spy.communicate)
        raw = options.profile_dir / f"{label}-{name}.txt"
        if spy.returncode != 0 or not raw.exists():
            result.profiles[name] = [f"    py-spy failed ({spy.returncode}): {err.decode(errors='replace')[-500:]}"]
        else:
            result.profiles[name] = [f"    raw stacks: {raw}", *spyprofile.summarize(raw)]
    return result


async def connections(bench: BenchStack) -> tuple[int, int, int]:
    """PostgreSQL's limit, the connections this run holds, and those all other clients hold."""
    conn = await asyncpg.connect(bench.database_url("readings"), timeout=10)
    try:
        limit = int(await conn.fetchval("SHOW max_connections"))
        ours, others = await conn.fetchrow(
            "SELECT count(*) FILTER (WHERE datname LIKE $1), count(*) FILTER (WHERE datname NOT LIKE $1)"
            " FROM pg_stat_activity WHERE backend_type = 'client backend'",
            f"lka_bench_{bench.run_id}_%",
        )
    finally:
        await conn.close()
    return limit, ours - 1, others  # less this very connection


async def measure(options: Options, bench: BenchStack, floor: Floor) -> tuple[list[PhaseResult], list[str], float]:
    stack = bench.stack
    gateway = stack.gateway
    events = EventWatch(stack.amqp_url)
    await events.start()
    try:
        started = time.monotonic()
        accounts = await publish_accounts(stack.amqp_url, options.subscribers, bench.run_id)
        n = options.subscribers
        await wait_for_count(
            bench.database_url("accounts"),
            "SELECT count(*) FROM billing_accounts WHERE number LIKE '93%'",
            n,
            "accounts in the accounts service",
        )
        await wait_for_count(
            bench.database_url("readings"),
            "SELECT count(*) FROM meters WHERE serial_number LIKE 'BENCH-%'",
            n,
            "meters in the readings service",
        )
        virtuals = await sign_up_all(gateway, stack.mail, accounts)
        say(
            f"{n} subscribers registered, confirmed, signed in, each with an account and a meter of its own "
            f"({time.monotonic() - started:.1f} s)"
        )
        processes = stack_processes(stack.marker)
        own = {floor.pid: "floor (uvicorn, 1 worker)"}
        profile_pids = {name: find(processes, name) for name in options.profile}

        def cpu() -> CpuByProcess:
            return CpuByProcess(stack.marker, bench.run_id, own)

        results = []
        if not options.paced_only:
            floor_result = await run_phase(
                "floor: POST /readings straight to benchmarks/floor.py, one uvicorn worker, pool 10",
                FLOOR, floor_loop, floor.url, virtuals, options.phase_seconds, options, cpu(), {},
            )  # fmt: skip
            results.append(floor_result)
            print("\n".join(floor_result.report()), flush=True)
        floor_mib = peak_memory_mib(floor.pid) or 0.0
        floor.stop()

        mix = "accounts, meters, submit, history, payment, through the gateway"
        paced = f"paced: {mix}, {options.think_ms:g} ms after each call"
        gateway_phases: list[tuple[str, dict[str, int], Loop, float, float]] = [
            ("submit: POST /accounts/{id}/readings through the gateway", SUBMIT, submit_loop, options.phase_seconds, 0),
            (f"mix: {mix}, back to back", MIX, mix_loop, options.duration, 0),
            (paced, MIX, mix_loop, options.duration, options.think_ms),
        ]
        if options.paced_only:
            gateway_phases = gateway_phases[-1:]
        for title, expected, loop, seconds, think_ms in gateway_phases:
            with alongside(options.alongside if title == paced else "", title.split(":")[0]):
                result = await run_phase(
                    title, expected, loop, gateway, virtuals, seconds, options, cpu(), profile_pids, think_ms / 1000
                )
            result.watched_events = True
            result.event_delays_ms, result.events_missing = await events.delays(result.recorder.submitted)
            results.append(result)
            print("\n".join(result.report()), flush=True)
            limit, ours, others = await connections(bench)
            say(f"PostgreSQL connections now: the stack {ours}, other clients {others}, limit {limit}")
        memory = [f"{'process':<40}{'pid':>8}{'VmHWM MiB':>12}"]
        worst = 0.0
        for process in stack_processes(stack.marker):
            mib = peak_memory_mib(process.pid) or 0.0
            judged = process.name.split("-")[0] in SERVICE_PROCESSES
            worst = max(worst, mib) if judged else worst
            memory.append(f"{process.name:<40}{process.pid:>8}{mib:>12.1f}{'' if judged else '   (tool, not judged)'}")
        memory.append(f"{'floor (benchmarks/floor.py)':<40}{floor.pid:>8}{floor_mib:>12.1f}   (not judged)")
        if any(r.recorder.errors or r.events_missing for r in results):
            bench.keep_log = True
            memory += ["== the stack's most frequent warnings and errors ==", *bench.troubles()]
        return results, memory, worst
    except BaseException:
        bench.keep_log = True
        raise
    finally:
        await events.stop()


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=32, help="virtual subscribers, each one connection (32)")
    parser.add_argument(
        "--duration", type=float, default=60, help="seconds of the mix and of the paced mix, each measured (60)"
    )
    parser.add_argument("--phase-seconds", type=float, default=15, help="seconds of the floor and of submit (15)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds before each phase's measurement (3)")
    parser.add_argument(
        "--think-ms",
        type=float,
        default=250,
        help="the paced mix: each subscriber's pause after each call (250)",
    )
    parser.add_argument(
        "--api-pool",
        type=int,
        default=None,
        help="each service API's database pool (LKA_<SVC>_DB_POOL_SIZE; shipped: 10, no overflow)",
    )
    parser.add_argument(
        "--pooler",
        action="store_true",
        help="the services reach their databases through a PgBouncer of the run's own, in transaction mode",
    )
    parser.add_argument(
        "--pooler-pool",
        type=int,
        default=5,
        help="with --pooler: PgBouncer's server connections per database (5)",
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const="readings-api,gateway",
        default="",
        help="py-spy these stack processes during submit and mix (default: readings-api,gateway)",
    )
    parser.add_argument("--profile-dir", type=Path, default=None, help="where the raw profiles go (a new temp dir)")
    parser.add_argument(
        "--trace",
        action="store_true",
        help="the stack exports its spans over OTLP to a local stand-in for a collector, which counts them",
    )
    parser.add_argument(
        "--alongside",
        default="",
        help="a command run during the paced mix (from its warm-up), e.g. benchmarks/reminders.py",
    )
    parser.add_argument(
        "--paced-only",
        action="store_true",
        help="only the paced mix (no floor, submit or mix phase): a background command's cost, sooner",
    )
    args = parser.parse_args(argv)
    profile = [name for name in args.profile.split(",") if name]
    profile_dir = args.profile_dir or Path(tempfile.gettempdir())
    if profile:
        profile_dir = args.profile_dir or Path(tempfile.mkdtemp(prefix="lka-bench-profiles-"))
        profile_dir.mkdir(parents=True, exist_ok=True)
    return Options(
        args.subscribers,
        args.duration,
        args.phase_seconds,
        args.warmup,
        args.think_ms,
        args.api_pool,
        profile,
        profile_dir,
        args.pooler,
        args.pooler_pool,
        args.trace,
        args.alongside,
        args.paced_only,
    )


def pooler_version() -> str:
    try:
        found = subprocess.run(["pgbouncer", "--version"], capture_output=True, text=True, timeout=10)
    except OSError:
        raise SystemExit(f"[bench] {INSTALL_HINT}") from None
    return found.stdout.split("\n", 1)[0].removeprefix("PgBouncer ").strip()


@contextmanager
def private_pooler(servers: Servers, options: Options) -> Iterator[PrivatePgBouncer]:
    """The stack's PgBouncer, its server connections (a pool per database) claimed in
    PostgreSQL's budget: lka-dev counts only what a pooled service opens past it."""
    port = urlsplit(servers.postgres_url).port or 5432
    with (
        claimed_connections(servers.postgres_url, options.pooler_pool * len(SERVICES)),
        PrivatePgBouncer([f"lka_{svc}" for svc in SERVICES], port, options.pooler_pool) as pooler,
    ):
        yield pooler


def spans_received(collector: OtlpReceiver) -> str:
    """How many spans the stack exported, in all and by process (the stack has stopped: all sent)."""
    spans = collector.spans()
    by_process = Counter(span.service for span in spans)
    each = ", ".join(f"{name} {count}" for name, count in sorted(by_process.items()))
    return f"traces: {len(spans)} spans received in {collector.requests} exports ({each})"


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # the same clean-up as Ctrl-C


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    run_id = uuid.uuid4().hex[:8]
    limits = raised_limits(run_id)
    # Up to the pools as shipped (or --api-pool), as many as fit beside what else runs (lka-dev's budget).
    asked = budget.Pools(options.api_pool or budget.SHIPPED.api, budget.SHIPPED.consumer)
    pools = budget.pools_env(dict.fromkeys(SERVICES, asked)) | {"LKA_DEV_POOLS": "fit"}
    load = os.getloadavg()
    say(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f}; {options.subscribers} subscribers; floor and submit {options.phase_seconds:g} s, mix "
        f"and paced mix {options.duration:g} s each, each after {options.warmup:g} s of warm-up; a subscriber's "
        f"pause after each call of the paced mix {options.think_ms:g} ms"
    )
    say("load client: one Python process, asyncio on uvloop with aiohttp, one keep-alive connection per subscriber")
    say("limits lifted for the benchmark (each a setting of the stack, docs/contract.md §2 defaults otherwise):")
    for name, value in limits.items():
        say(f"  {name}={value}")
    say(
        f"database pools asked for: each API {asked.api}, each consumer {asked.consumer}, each relay 1, none "
        "overflowing; the stack takes the largest that fit in PostgreSQL's budget (docs/operations.md)"
    )
    if options.pooler:
        say(
            f"through PgBouncer {pooler_version()}, transaction mode, "
            f"{options.pooler_pool} server connections per database"
        )
    started = time.monotonic()
    try:
        with ExitStack() as running:
            servers = running.enter_context(test_servers())
            floor = running.enter_context(running_floor(servers, run_id))
            pooler = running.enter_context(private_pooler(servers, options)) if options.pooler else None
            collector = running.enter_context(OtlpReceiver()) if options.trace else None
            tracing = {"OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint} if collector else {}
            if collector:
                say(f"traces: every stack process exports its spans over OTLP/HTTP to {collector.endpoint}")
            say(f"floor up at {floor.url}; starting the stack (lka-dev run)…")
            with running_stack(servers, run_id, {**limits, **pools, **tracing}, pooler) as bench:
                say(
                    f"stack up at {bench.stack.gateway} (port offset {bench.stack.offset}, vhost lka_bench_{run_id}) "
                    f"in {time.monotonic() - started:.0f} s"
                )
                say(bench.budget_line().removeprefix("[lka-dev] "))
                results, memory, worst = uvloop.run(measure(options, bench, floor))
                print("== peak resident memory (VmHWM) of each stack process ==")
                print("\n".join(memory), flush=True)
            say("stack stopped, its databases dropped, its vhost deleted")
            if collector:
                say(spans_received(collector))
    except KeyboardInterrupt:
        say("interrupted: the stack is stopped and its databases and vhost removed")
        return 130
    if not options.paced_only:  # the targets are judged on all four phases
        print("\n".join(targets(results, worst, options.subscribers, options.think_ms)))
    say(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
