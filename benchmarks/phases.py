"""`make bench`'s phases: what one phase runs and measures (`run_phase`), and the run of them on a
started stack (`measure`): the virtual subscribers signed up, then floor, submit, mix and the paced
mix, or the paced mix alone, or alternated with and without a background command (pairs.py)."""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pairs
import spyprofile
from benchstack import BenchStack, Floor
from procinfo import CpuByProcess, find, peak_memory_mib, stack_processes
from recorder import Progress, Recorder
from results import PhaseResult
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
    sign_in_again,
    sign_up_all,
    submit_loop,
    wait_for_count,
)

SERVICE_PROCESSES = ("identity", "accounts", "readings", "payments", "notifications", "gateway")
# The subscribers' access tokens expire after 15 minutes: a phase that would outlive them starts
# with the subscribers signed in again, with a minute to spare.
TOKEN_LIFETIME_S = 14 * 60


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
    pairs: int = 0  # with `alongside`: the paced mix alone, 2 × pairs times, alternated (pairs.py)


# Told to the command run beside a phase: the epoch seconds (time.time()) at which the phase's measured
# window ends, so that work of its own after its run (reminders.py's checks) can wait past it.
PHASE_ENDS_AT = "LKA_BENCH_PHASE_ENDS_AT"


@contextmanager
def alongside(command: str, label: str, measured_until_s: float) -> Iterator[None]:
    """Run `command` (split as a shell would, not run by one) for the duration of the block, and say how it went.

    `measured_until_s`: seconds from now until the phase's measurement ends (its warm-up and duration);
    the command gets that moment in `LKA_BENCH_PHASE_ENDS_AT`."""
    if not command:
        yield
        return
    handle, name = tempfile.mkstemp(prefix=f"lka-bench-alongside-{label}-", suffix=".log")
    os.close(handle)
    output = Path(name)
    started = time.monotonic()
    environment = {**os.environ, PHASE_ENDS_AT: f"{time.time() + measured_until_s:.3f}"}
    with output.open("wb") as sink:
        process = subprocess.Popen(
            shlex.split(command), stdout=sink, stderr=subprocess.STDOUT, start_new_session=True, env=environment
        )
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


def gateway_phases(options: Options) -> list[tuple[str, dict[str, int], Loop, float, float, str]]:
    """The phases through the gateway, each with the command run beside it ("" for none)."""
    mix = "accounts, meters, submit, history, payment, through the gateway"
    paced = f"paced: {mix}, {options.think_ms:g} ms after each call"
    if options.pairs:
        return [
            (f"{paced}, {'beside the command' if beside else 'without the command'}", MIX, mix_loop,
             options.duration, options.think_ms, options.alongside if beside else "")
            for beside in pairs.order(options.pairs)
        ]  # fmt: skip
    every = [
        ("submit: POST /accounts/{id}/readings through the gateway", SUBMIT, submit_loop, options.phase_seconds, 0, ""),
        (f"mix: {mix}, back to back", MIX, mix_loop, options.duration, 0, ""),
        (paced, MIX, mix_loop, options.duration, options.think_ms, options.alongside),
    ]
    return every[-1:] if options.paced_only else every


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

        signed_in = time.monotonic()
        for title, expected, loop, seconds, think_ms, command in gateway_phases(options):
            if time.monotonic() - signed_in + options.warmup + seconds > TOKEN_LIFETIME_S:
                await sign_in_again(gateway, virtuals)
                signed_in = time.monotonic()
            with alongside(command, title.split(":")[0], options.warmup + seconds):
                result = await run_phase(
                    title, expected, loop, gateway, virtuals, seconds, options, cpu(), profile_pids, think_ms / 1000
                )
            result.watched_events = True
            result.event_delays_ms, result.events_missing = await events.delays(result.recorder.submitted)
            results.append(result)
            print("\n".join(result.report()), flush=True)
            limit, ours, others = await connections(bench)
            say(f"PostgreSQL connections now: the stack {ours}, other clients {others}, limit {limit}")
        if options.pairs:
            print("\n".join(pairs.summary(pairs.pair_up(results, pairs.order(options.pairs)), options.alongside)))
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
