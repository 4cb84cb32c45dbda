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
3. **What it prints**: the run's time, accounts reminded, `SendReminder` rows in the outbox,
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

The functions (`recreate`, `fill`, `reset`, `run_reading_window`, `check`, …) can be imported.
`benchmarks/bench.py --alongside ".venv/bin/python benchmarks/reminders.py --run-only"` runs it
beside the subscribers' paced mix (the database must have been filled before).
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
from datetime import date, datetime, timedelta
from datetime import time as day_time
from types import TracebackType

import aio_pika
import asyncpg

from lka_common.commands.notifications import SendReminder
from lka_common.db import make_engine, make_sessionmaker
from lka_common.logging import configure_logging
from lka_common.messaging.topology import COMMANDS_EXCHANGE, declare_exchanges
from lka_common.scheduler.clock import LOCAL_TIME, Clock
from lka_common.scheduler.runner import Job, JobRunner, RunRecord
from lka_common.settings import DEFAULT_AMQP_URL, DEFAULT_POSTGRES_URL, shared_env
from lka_common.testing.databases import async_url, create_migrated_database, drop_database, plain_url
from lka_common.testing.layout import service_dir
from lka_common.testing.servers import Servers, private_vhost
from lka_common.tracing import configure_tracing
from lka_common.uow import UnitOfWork
from lka_readings.domain.reminders import reminder_due, verification_stages
from lka_readings.service_layer.reading_window import reading_window_job
from lka_readings.service_layer.verification_due import verification_due_job
from lka_readings.settings import ReadingsSettings

DATABASE = "lka_bench_reminders"
DAY = date(2026, 12, 24)  # the business day of the run: inside the window of 2026-12 (closing day 25)
JOB_APPLICATION = "lka_bench_reminders_job"
RELAY_APPLICATION = "lka_bench_reminders_relay"
FIRST_NUMBER = 10_000_000  # account i is number FIRST_NUMBER + i
REGIONS = ["simferopol", "yalta", "kerch", "feodosiya", "evpatoriya"]
SAMPLE_EVERY_S = 0.05
LIMIT_S = 300.0  # the run: five minutes
TRANSACTION_LIMIT_S = 1.0


def say(text: str) -> None:
    print(text, flush=True)


# What account i is (its number is FIRST_NUMBER + i); the checks below say the same in SQL.
def has_our_reading(i: int) -> bool:
    return i % 10 == 0


def has_billings_reading(i: int) -> bool:
    return i % 50 == 7


def meter_removed(i: int) -> bool:
    return i % 100 == 3


def nobody_linked(i: int) -> bool:
    return i % 100 == 13


def two_subscribers(i: int) -> bool:
    return i % 7 == 0


def expected(accounts: int) -> tuple[int, int]:
    """(accounts reminded, letters) for a database of `accounts`."""
    reminded = letters = 0
    for i in range(1, accounts + 1):
        if not (has_our_reading(i) or has_billings_reading(i) or meter_removed(i) or nobody_linked(i)):
            reminded += 1
            letters += 2 if two_subscribers(i) else 1
    return reminded, letters


# --- the database -------------------------------------------------------------------------------


def admin_url() -> str:
    return plain_url(shared_env("POSTGRES_URL", DEFAULT_POSTGRES_URL))


def recreate(name: str = DATABASE) -> str:
    """Drop `name` and create it again, migrated as readings' database; its asyncpg URL."""
    drop_database(admin_url(), name)
    return create_migrated_database(admin_url(), name, service_dir("readings"))


def database_url(name: str = DATABASE) -> str:
    return async_url(admin_url(), name)


def _fill_statements(window_period: str, previous_period: str, first_day: date) -> list[str]:
    """The statements filling the database; each takes the number of accounts as $1."""
    number = f"({FIRST_NUMBER} + i)::text"
    region = f"(ARRAY{REGIONS!r}::text[])[1 + i % {len(REGIONS)}]"
    last_reading_day = first_day - timedelta(days=1)
    reading_columns = (
        "id, meter_id, account_id, region_code, account_number, meter_serial, reading_values, values_key,"
        " submitted_at, billing_period, source, status, status_reason, decided_at, event_id"
    )

    def readings_of(where: str, period: str, status: str, on: date, key: str) -> str:
        """Our readings of `period` for the accounts `where` says, with the status `status` says."""
        return (
            f"INSERT INTO readings ({reading_columns})"
            f" SELECT md5('{key}:' || i)::uuid, md5('meter:' || i)::uuid, md5('account:' || i)::uuid,"
            f" {region}, {number}, 'BENCH-' || i, '{{\"T1\": \"1200\"}}'::jsonb, 'T1=1200',"
            f" '{on.isoformat()} 12:00+03'::timestamptz, '{period}', 'web', {status},"
            f" CASE WHEN {status} = 'rejected' THEN 'Показания меньше предыдущих' END,"
            f" CASE WHEN {status} IN ('accepted', 'rejected') THEN now() END, md5('{key} event:' || i)::uuid"
            f" FROM generate_series(1, $1) i WHERE {where}"
        )

    this_period_day = first_day + timedelta(days=20)
    return [
        (
            f"INSERT INTO accounts (id, region_code, number) SELECT md5('account:' || i)::uuid, {region}, {number}"
            " FROM generate_series(1, $1) i"
        ),
        # Verification dates spread over ten years from the run's day, a meter every few days.
        (
            "INSERT INTO meters (id, region_code, account_number, serial_number, zones, digits, last_values, last_date,"
            " removed, event_time, updated_at, verification_due)"
            f" SELECT md5('meter:' || i)::uuid, {region}, {number}, 'BENCH-' || i, 1, 6, '{{\"T1\": \"1100\"}}'::jsonb,"
            f" '{last_reading_day.isoformat()}'::date, i % 100 = 3, now(), now(),"
            f" '{DAY.isoformat()}'::date + ((i::bigint * 7919) % 3650)::int"
            " FROM generate_series(1, $1) i"
        ),
        (
            "INSERT INTO account_links (account_id, user_id, linked, changed_at)"
            " SELECT md5('account:' || i)::uuid, md5('user:' || i)::uuid, i % 100 <> 13, now()"
            " FROM generate_series(1, $1) i"
        ),
        (
            "INSERT INTO account_links (account_id, user_id, linked, changed_at)"
            " SELECT md5('account:' || i)::uuid, md5('second user:' || i)::uuid, i % 100 <> 13, now()"
            " FROM generate_series(1, $1) i WHERE i % 7 = 0"
        ),
        # Billing's history: every meter's reading of the previous period, and this period's for every 50th (…7).
        (
            "INSERT INTO billing_readings (meter_id, taken_on, reading_values, event_time, recorded_at)"
            f" SELECT md5('meter:' || i)::uuid, '{last_reading_day.isoformat()}'::date, '{{\"T1\": \"1100\"}}'::jsonb,"
            " now(), now() FROM generate_series(1, $1) i"
        ),
        (
            "INSERT INTO billing_readings (meter_id, taken_on, reading_values, event_time, recorded_at)"
            f" SELECT md5('meter:' || i)::uuid, '{(first_day + timedelta(days=3)).isoformat()}'::date,"
            ' \'{"T1": "1250"}\'::jsonb, now(), now() FROM generate_series(1, $1) i WHERE i % 50 = 7'
        ),
        # Ours: this period for every 10th (accepted, or submitted and waiting for billing), a rejected
        # one for every 20th (…1), the previous period's for 30 %.
        (
            readings_of(
                "i % 10 = 0",
                window_period,
                "CASE WHEN i % 20 = 0 THEN 'accepted' ELSE 'submitted' END",
                this_period_day,
                "ours",
            )
        ),
        readings_of("i % 20 = 1", window_period, "'rejected'", this_period_day, "rejected"),
        readings_of("i % 10 IN (2, 4, 6)", previous_period, "'accepted'", first_day - timedelta(days=5), "previous"),
    ]


async def fill(url: str, accounts: int) -> None:
    """Fill a migrated readings database on the server, then VACUUM ANALYZE it."""
    window = reminder_due(DAY, ReadingsSettings.model_fields["closing_day"].default, 3)
    assert window is not None
    year, month = int(window.period[:4]), int(window.period[5:])
    previous = f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    connection = await asyncpg.connect(plain_url(url))
    try:
        for statement in _fill_statements(window.period, previous, window.first_day):
            started = time.perf_counter()
            status = await connection.execute(statement, accounts)
            table = statement.split()[2]
            say(f"  {table:<18} {status.split()[-1]:>10} rows  {time.perf_counter() - started:6.1f} s")
        started = time.perf_counter()
        await connection.execute("VACUUM ANALYZE")
        say(f"  VACUUM ANALYZE {time.perf_counter() - started:25.1f} s")
    finally:
        await connection.close()


async def reset(url: str) -> None:
    """Forget every earlier run: its claims, its letters, its runs and leases."""
    connection = await asyncpg.connect(plain_url(url))
    try:
        await connection.execute("TRUNCATE reminders_sent, outbox, job_runs")
        await connection.execute("DELETE FROM scheduled_jobs")
        await connection.execute("VACUUM ANALYZE reminders_sent, outbox")
    finally:
        await connection.close()


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


# --- the checks ---------------------------------------------------------------------------------


@dataclass
class Checks:
    reminded: int
    letters: int
    duplicates: int
    to_accounts_with_a_reading: int
    to_removed_or_unlinked: int


async def check(url: str) -> Checks:
    """What the run did, read back from the database."""
    account = f"((body::jsonb #>> '{{data,params,account_number}}')::bigint - {FIRST_NUMBER})"
    connection = await asyncpg.connect(plain_url(url), command_timeout=600)
    try:
        reminded = await connection.fetchval("SELECT count(*) FROM reminders_sent WHERE kind = 'reading_window'")
        row = await connection.fetchrow(
            f"SELECT count(*) AS letters,"
            f" count(*) - count(DISTINCT (body::jsonb #>> '{{data,user_id}}', {account})) AS duplicates,"
            f" count(*) FILTER (WHERE {account} % 10 = 0 OR {account} % 50 = 7) AS with_reading,"
            f" count(*) FILTER (WHERE {account} % 100 IN (3, 13)) AS removed_or_unlinked"
            " FROM outbox WHERE routing_key = $1 AND body::jsonb #>> '{data,template}' = 'reading_window_reminder'",
            SendReminder.event_type,
        )
    finally:
        await connection.close()
    return Checks(reminded, row["letters"], row["duplicates"], row["with_reading"], row["removed_or_unlinked"])


async def verification_expected(url: str) -> int:
    """Meters in service whose date is due for a verification reminder on DAY, with someone linked."""
    conditions = " OR ".join(
        f"m.verification_due BETWEEN '{stage.first_due}' AND '{stage.last_due}'" for stage in verification_stages(DAY)
    )
    connection = await asyncpg.connect(plain_url(url))
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM meters m"
                " JOIN accounts a ON (a.region_code, a.number) = (m.region_code, m.account_number)"
                f" WHERE NOT m.removed AND ({conditions})"
                " AND EXISTS (SELECT 1 FROM account_links l WHERE l.account_id = a.id AND l.linked)"
            )
        )
    finally:
        await connection.close()


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
            await queue.bind(COMMANDS_EXCHANGE, routing_key=SendReminder.event_type)
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
        checks = await check(url)
        want_reminded, want_letters = expected(accounts)
        say(f"  accounts reminded {checks.reminded} (expected {want_reminded})")
        say(
            f"  SendReminder rows in the outbox {checks.letters} (expected {want_letters}),"
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
