"""The reading-window reminder for a million accounts (docs/performance.md "Reminders"): the run
must put its letters in the outbox in under five minutes on this 2-core machine, with no
transaction longer than a second, and write to no one it should not.

    .venv/bin/python benchmarks/reminders.py                     # 1,000,000 accounts: fill, then run
    .venv/bin/python benchmarks/reminders.py --accounts 50000    # smaller
    .venv/bin/python benchmarks/reminders.py --fill-only         # fill the database and stop
    .venv/bin/python benchmarks/reminders.py --run-only          # run again on the database filled before
    .venv/bin/python benchmarks/reminders.py --relay             # and publish every letter to RabbitMQ
    .venv/bin/python benchmarks/reminders.py --again             # and run once more: nothing is sent twice
    .venv/bin/python benchmarks/reminders.py --batch 500 --pause-ms 50 --drop

It needs what `make test` needs (the local PostgreSQL and RabbitMQ). Steps:

1. **The database** `lka_bench_reminders` (`--database`), dropped and created again, migrated as
   readings' own (its Alembic revisions), and filled on the server (generate_series, a minute or
   two for a million): N accounts (`--accounts`, 1,000,000), one meter each, one linked
   subscriber each and a second one on every 7th; billing's last reading of every meter from the
   previous period. Those who must get nothing: every 10th account has our reading this period
   (accepted or waiting for billing), every 50th (…7) a reading billing took in the period's days,
   every 100th (…3) only a removed meter, every 100th (…13) nobody linked any more; every 20th
   (…1) has a reading billing rejected, and 30 % one of the previous period: those are reminded.
   Then VACUUM ANALYZE, as autovacuum would have done on a live database. The database is kept
   for `--run-only` (`--drop` drops it at the end).
2. **The run**: the service's own job (`readings.reading_window`, service_layer/reading_window.py)
   through lka_common.scheduler's JobRunner, its clock on 24 Dec 2026 (the window of the period
   2026-12 closing on the 25th), with the service's settings (`--batch`, `--pause-ms` override
   `reminder_batch` and `reminder_pause_ms`). `--run-only` first empties `reminders_sent`, the
   outbox and the runs.
3. **What it prints**: the run's time, accounts reminded, letters in the outbox's `SendReminders`,
   batches; the longest transaction two ways: each batch's unit of work timed in the job (from
   taking the connection to giving it back), and pg_stat_activity sampled every 50 ms from a side
   connection (`clock_timestamp() - xact_start` of the job's connections); then the checks:
   exactly the accounts expected reminded, one letter per (account, subscriber), none to an
   account with a reading, a removed meter or nobody linked. Also the verification-due job on the
   same meters (dates spread over ten years: about 0.8 % due in the month).
4. `--relay`: readings' outbox relay (`python -m lka_readings.entrypoints.relay`, its shipped
   settings) publishes into a vhost of its own (`rabbitmqctl add_vhost`, deleted at the end),
   into one queue bound as `notifications.reminders` is, kept short (`x-max-length`: the letters
   are not sent); prints how long from the run's start until nothing is left unpublished.

The functions can be imported: the run and the relay from here (`run_job`, `report`, …), the
database from reminders_data.py beside it (`recreate`, `fill`, `reset`), the checks from
reminders_checks.py (`check`, `verification_expected`; both importable from here too).
`benchmarks/bench.py --alongside ".venv/bin/python benchmarks/reminders.py --run-only"` runs it
beside the subscribers' paced mix (the database must have been filled before). It then sets
`LKA_BENCH_PHASE_ENDS_AT` (epoch seconds), and after the run the checks and the verification-due job
wait until then: they are this benchmark's own verification, not the run whose cost the phase measures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as day_time
from types import TracebackType

import aio_pika
import asyncpg
from reminders_checks import check, verification_expected
from reminders_data import DATABASE, DAY, admin_url, database_url, expected, fill, recreate, reset, say

from lka_common import heap
from lka_common.commands.notifications import SendReminders
from lka_common.db import make_engine, make_sessionmaker
from lka_common.logging import configure_logging
from lka_common.messaging.topology import COMMANDS_EXCHANGE, declare_exchanges
from lka_common.scheduler.clock import LOCAL_TIME, Clock
from lka_common.scheduler.runner import Job, JobRunner, RunRecord
from lka_common.settings import DEFAULT_AMQP_URL, shared_env
from lka_common.testing.databases import drop_database, plain_url
from lka_common.testing.servers import Servers, private_vhost
from lka_common.tracing import configure_tracing
from lka_common.uow import UnitOfWork
from lka_readings.service_layer.reading_window import reading_window_job
from lka_readings.service_layer.verification_due import verification_due_job
from lka_readings.settings import ReadingsSettings

JOB_APPLICATION = "lka_bench_reminders_job"
RELAY_APPLICATION = "lka_bench_reminders_relay"
SAMPLE_EVERY_S = 0.05
LIMIT_S = 300.0  # the run: five minutes
TRANSACTION_LIMIT_S = 1.0


# --- the run ------------------------------------------------------------------------------------


class Transactions:
    """The job's pool, and each of its units of work timed from taking the connection to giving it back."""

    def __init__(self, settings: ReadingsSettings) -> None:
        self.engine = make_engine(settings, pool_size=2)
        self.seconds: list[float] = []
        sessions = make_sessionmaker(self.engine)
        timings = self.seconds

        class TimedUnitOfWork(UnitOfWork):
            async def __aenter__(self) -> TimedUnitOfWork:
                self.started = time.perf_counter()
                return await super().__aenter__()

            async def __aexit__(
                self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
            ) -> None:
                try:
                    await super().__aexit__(exc_type, exc, tb)
                finally:
                    timings.append(time.perf_counter() - self.started)

        self.uow_factory: Callable[[], UnitOfWork] = lambda: TimedUnitOfWork(sessions, settings.source)


async def sample_transactions(url: str, application: str, stop: asyncio.Event) -> tuple[float, str]:
    """The longest open transaction of `application`'s connections seen, sampled every 50 ms, and
    what it was doing then (its state and the start of its statement)."""
    connection = await asyncpg.connect(plain_url(url))
    longest, doing = 0.0, ""
    query = (
        "SELECT extract(epoch FROM clock_timestamp() - xact_start)::float8 AS open_s,"
        " state || ': ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS doing"
        " FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1"
        " AND xact_start IS NOT NULL AND pid <> pg_backend_pid() ORDER BY xact_start LIMIT 1"
    )
    try:
        while not stop.is_set():
            row = await connection.fetchrow(query, application)
            if row is not None and row["open_s"] > longest:
                longest, doing = row["open_s"], row["doing"]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), SAMPLE_EVERY_S)
    finally:
        await connection.close()
    return longest, doing


@dataclass
class RunFigures:
    job: str
    seconds: float
    record: RunRecord | None
    longest_unit_s: float
    longest_sampled_s: float
    longest_sampled_doing: str
    units: list[float]  # each unit of work's seconds, in order


def bench_settings(url: str, batch: int | None, pause_ms: int | None) -> ReadingsSettings:
    overrides: dict[str, object] = {}
    if batch is not None:
        overrides["reminder_batch"] = batch
    if pause_ms is not None:
        overrides["reminder_pause_ms"] = pause_ms
    return ReadingsSettings(
        database_url=url,
        environment="test",
        db_application_name=JOB_APPLICATION,
        log_level="WARNING",
        **overrides,  # type: ignore[arg-type]
    )


def clock_on(day: date) -> Clock:
    """The jobs' clock at noon of `day` in the supplier's time."""
    target = datetime.combine(day, day_time(12), LOCAL_TIME)
    return Clock((target - datetime.now(LOCAL_TIME)).total_seconds())


async def run_job(url: str, settings: ReadingsSettings, make_job: Callable[..., Job]) -> RunFigures:
    """Run one of readings' jobs through the scheduler's runner on DAY, timing its transactions."""
    transactions = Transactions(settings)
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_transactions(url, JOB_APPLICATION, stop))
    job = make_job(settings, transactions.uow_factory)
    heap.settle()  # as the service's worker does before its work begins (lka_common.worker)
    started = time.perf_counter()
    try:
        record = await JobRunner(transactions.engine, clock_on(DAY), name=f"bench-{uuid.uuid4().hex[:6]}").run(job)
    finally:
        took = time.perf_counter() - started
        stop.set()
        sampled, doing = await sampler
        await transactions.engine.dispose()
    units = transactions.seconds
    return RunFigures(job.name, took, record, max(units, default=0.0), sampled, doing, units)


# --- the relay ----------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def relay_into_own_vhost(url: str) -> AsyncIterator[None]:
    """Readings' relay process publishing `url`'s outbox into a vhost of its own."""
    servers = Servers(admin_url(), shared_env("AMQP_URL", DEFAULT_AMQP_URL).rstrip("/") + "/", manage_vhosts=True)
    with private_vhost(servers, f"{DATABASE}_{uuid.uuid4().hex[:6]}") as amqp_url:
        connection = await aio_pika.connect(amqp_url)
        async with connection:
            channel = await connection.channel()
            await declare_exchanges(channel)
            # As notifications.reminders is bound; short, so a million letters cost the broker nothing.
            queue = await channel.declare_queue(
                "bench.reminders", arguments={"x-max-length": 1000, "x-overflow": "drop-head"}
            )
            await queue.bind(COMMANDS_EXCHANGE, routing_key=SendReminders.event_type)
        environment = os.environ | {
            "LKA_READINGS_DATABASE_URL": url,
            "LKA_READINGS_AMQP_URL": amqp_url,
            "LKA_READINGS_RELAY_HEALTH_PORT": "0",
            "LKA_READINGS_DB_APPLICATION_NAME": RELAY_APPLICATION,
            "LKA_READINGS_LOG_LEVEL": "WARNING",
            "LKA_ENVIRONMENT": "test",
        }
        relay = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "lka_readings.entrypoints.relay", env=environment
        )
        try:
            yield
        finally:
            relay.terminate()
            await asyncio.wait_for(relay.wait(), 30)


async def drained_after(url: str, started: float, limit_s: float = 1800.0) -> float | None:
    """Seconds from `started` until the outbox has nothing unpublished (None past `limit_s`)."""
    connection = await asyncpg.connect(plain_url(url))
    try:
        while time.perf_counter() - started < limit_s:
            if not await connection.fetchval("SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL)"):
                return time.perf_counter() - started
            await asyncio.sleep(0.5)
    finally:
        await connection.close()
    return None


# --- beside bench.py ----------------------------------------------------------------------------

BENCH_PHASE_ENDS_AT = "LKA_BENCH_PHASE_ENDS_AT"  # set by bench.py --alongside (benchmarks/phases.py)


async def wait_until(epoch_s: float) -> float:
    """Sleep until the wall clock reads `epoch_s` (not at all when it is past); the seconds slept."""
    left = max(epoch_s - time.time(), 0.0)
    await asyncio.sleep(left)
    return left


async def wait_for_the_bench_phase() -> None:
    """Run beside a bench.py phase, wait until its measurement has ended: what follows the run is ours, not its."""
    ends_at = os.environ.get(BENCH_PHASE_ENDS_AT)
    if not ends_at:
        return
    left = float(ends_at) - time.time()
    if left > 0:
        say(f"waiting {left:.0f} s for the bench phase to end before the checks")
    await wait_until(float(ends_at))


# --- the command --------------------------------------------------------------------------------


def report(figures: RunFigures) -> list[str]:
    record = figures.record
    status = "(lease held elsewhere)" if record is None else record.status
    return [
        f"{figures.job}: {figures.seconds:.1f} s, {status}",
        f"  batches {record.batches if record else 0}, items {record.items if record else 0}",
        f"  longest transaction: {figures.longest_unit_s * 1000:.0f} ms (each of {len(figures.units)} units of work"
        f" timed), {figures.longest_sampled_s * 1000:.0f} ms (pg_stat_activity every {SAMPLE_EVERY_S * 1000:.0f} ms,"
        f" then {figures.longest_sampled_doing or '-'})",
        f"  units of work, median by tenth of the run: {' '.join(tenths(figures.units))} ms",
    ]


def tenths(units: list[float]) -> list[str]:
    """The median unit of work of each tenth of the run, in ms: whether batches slow as tables grow."""
    if not units:
        return ["-"]
    size = max(len(units) // 10, 1)
    return [f"{statistics.median(units[i : i + size]) * 1000:.0f}" for i in range(0, len(units), size)][:10]


async def bench(url: str, args: argparse.Namespace, accounts: int) -> bool:
    settings = bench_settings(url, args.batch, args.pause_ms)
    say(f"settings: reminder_batch {settings.reminder_batch}, reminder_pause_ms {settings.reminder_pause_ms}")
    ok = True
    async with contextlib.AsyncExitStack() as stack:
        if args.relay:
            await stack.enter_async_context(relay_into_own_vhost(url))
        started = time.perf_counter()
        figures = await run_job(url, settings, reading_window_job)
        for line in report(figures):
            say(line)
        await wait_for_the_bench_phase()
        checks = await check(url)
        want_reminded, want_letters = expected(accounts)
        say(f"  accounts reminded {checks.reminded} (expected {want_reminded})")
        say(
            f"  letters in the outbox's SendReminders {checks.letters} (expected {want_letters}),"
            f" duplicates {checks.duplicates}"
        )
        say(f"  letters to accounts with a reading this period: {checks.to_accounts_with_a_reading}")
        say(f"  letters to accounts with only a removed meter or nobody linked: {checks.to_removed_or_unlinked}")
        ok = (
            figures.record is not None
            and figures.record.status == "finished"
            and (checks.reminded, checks.letters) == (want_reminded, want_letters)
            and checks.duplicates == checks.to_accounts_with_a_reading == checks.to_removed_or_unlinked == 0
        )
        timely = (
            figures.seconds < LIMIT_S and max(figures.longest_unit_s, figures.longest_sampled_s) < TRANSACTION_LIMIT_S
        )
        if args.relay:
            drained = await drained_after(url, started)
            say(
                "  relay: every letter published "
                + (f"{drained:.1f} s after the run started" if drained is not None else "not within 30 minutes")
            )
        if args.again:
            # The window's next day: every account looked at again, every claim found taken.
            again = await run_job(url, settings, reading_window_job)
            for line in report(again):
                say(line.replace(again.job, f"{again.job} again"))
            after = await check(url)
            say(f"  letters after it {after.letters} (unchanged: {after.letters == checks.letters})")
            ok = ok and after.letters == checks.letters and again.record is not None and again.record.items == 0
        verification = await run_job(url, settings, verification_due_job)
        for line in report(verification):
            say(line)
        say(f"  meters due a verification reminder on {DAY}: {await verification_expected(url)}")
    say(
        f"{'PASS' if ok else 'FAIL'} correctness; {'PASS' if timely else 'FAIL'} time"
        f" (< {LIMIT_S:.0f} s, transactions < {TRANSACTION_LIMIT_S:.0f} s)"
    )
    return ok and timely


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--batch", type=int, default=None, help="reminder_batch (default: the service's)")
    parser.add_argument("--pause-ms", type=int, default=None, help="reminder_pause_ms (default: the service's)")
    parser.add_argument("--fill-only", action="store_true", help="create and fill the database, then stop")
    parser.add_argument("--run-only", action="store_true", help="run on the database filled before")
    parser.add_argument("--relay", action="store_true", help="also publish every letter to a vhost of its own")
    parser.add_argument("--again", action="store_true", help="then run the job again: nothing more is sent")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args(argv)
    configure_logging("bench-reminders", "WARNING")
    configure_tracing("readings-consumer")  # as the process that runs the job in the service does
    url = database_url(args.database)
    if args.run_only:
        accounts = asyncio.run(_accounts_in(url))
        say(f"{args.database}: {accounts} accounts filled before; emptying the earlier run's claims and outbox")
        asyncio.run(reset(url))
    else:
        accounts = args.accounts
        say(f"{args.database}: created again and migrated, filling {accounts} accounts")
        started = time.perf_counter()
        url = recreate(args.database)
        asyncio.run(fill(url, accounts))
        say(f"  filled in {time.perf_counter() - started:.0f} s")
    ok = True
    try:
        if not args.fill_only:
            ok = asyncio.run(bench(url, args, accounts))
    finally:
        if args.drop:
            drop_database(admin_url(), args.database)
    sys.exit(0 if ok else 1)


async def _accounts_in(url: str) -> int:
    connection = await asyncpg.connect(plain_url(url))
    try:
        return int(await connection.fetchval("SELECT count(*) FROM accounts"))
    finally:
        await connection.close()


if __name__ == "__main__":
    main()
