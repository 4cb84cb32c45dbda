"""`make bench`: the portal under load on this machine, everything local (issue 11, docs/quality.md item 17).

    make bench                                          # 32 subscribers, the default phases
    .venv/bin/python benchmarks/bench.py --subscribers 16 --duration 20 --phase-seconds 10
    .venv/bin/python benchmarks/bench.py --profile      # py-spy on readings-api and gateway
    .venv/bin/python benchmarks/bench.py --think-ms 500 # the paced mix's pause after each call
    .venv/bin/python benchmarks/bench.py --trace        # every process exporting its spans (OTLP)
    .venv/bin/python benchmarks/bench.py --duration 240 \
        --alongside ".venv/bin/python benchmarks/reminders.py --run-only"  # paced mix beside that command
    .venv/bin/python benchmarks/bench.py --paced-only --duration 120   # the paced mix alone (no targets judged)
    .venv/bin/python benchmarks/bench.py --pairs 2 --duration 270 \
        --alongside ".venv/bin/python benchmarks/reminders.py --run-only"  # A B B A: without, beside, beside, without

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
"Reminders"). Its output goes to a file whose last lines are printed. It is told when the phase's
measurement ends (`LKA_BENCH_PHASE_ENDS_AT`, epoch seconds): reminders.py waits for it before its
checks, so its own verification is not counted as the run's cost. With `--pairs N` as well, only
the paced mix runs, 2 × N times on the one stack, without and beside the command alternated, and
the verdict is the median of the pairs' p99 ratios, each pair's halves checked for the host's speed
(benchmarks/pairs.py says why one pair is not enough here). The phases themselves are in
benchmarks/phases.py.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import uvloop
from benchstack import claimed_connections, raised_limits, running_floor, running_stack
from phases import Options, measure, say
from results import targets

from lka_common.testing.otlp import OtlpReceiver
from lka_common.testing.private_servers import PrivatePgBouncer
from lka_common.testing.private_servers.pgbouncer import INSTALL_HINT
from lka_common.testing.servers import Servers, test_servers
from lka_common.testing.stack import SERVICES
from lka_devstack import budget


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
        "--pairs",
        type=int,
        default=0,
        help="with --alongside: the paced mix alone, 2 × N times on one stack, without and beside the\n"
        "command alternated (A B B A …), judged by the median of the pairs' p99 ratios (benchmarks/pairs.py)",
    )
    parser.add_argument(
        "--paced-only",
        action="store_true",
        help="only the paced mix (no floor, submit or mix phase): a background command's cost, sooner",
    )
    args = parser.parse_args(argv)
    if args.pairs and not args.alongside:
        parser.error("--pairs needs --alongside: the command the pairs run without and beside")
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
        args.paced_only or args.pairs > 0,
        args.pairs,
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
