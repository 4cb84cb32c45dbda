"""The database of benchmarks/reminders.py: a million accounts filled on the server, and who among
them must be reminded (docs/performance.md "Reminders")."""

from __future__ import annotations

import time
from datetime import date, timedelta

import asyncpg
from sqlalchemy.ext.asyncio import create_async_engine

from lka_common.settings import DEFAULT_POSTGRES_URL, shared_env
from lka_common.testing.databases import async_url, create_migrated_database, drop_database, plain_url
from lka_common.testing.layout import service_dir
from lka_readings.adapters import reminder_accounts
from lka_readings.domain.reminders import reminder_due
from lka_readings.settings import ReadingsSettings

DATABASE = "lka_bench_reminders"
DAY = date(2026, 12, 24)  # the business day of the run: inside the window of 2026-12 (closing day 25)
FIRST_NUMBER = 10_000_000  # account i is number FIRST_NUMBER + i
REGIONS = ["simferopol", "yalta", "kerch", "feodosiya", "evpatoriya"]


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


async def _fill_reminder_accounts(url: str) -> None:
    """Each account's row for the reading-window reminder, as the consumer computes it from its
    meters and links (the migration fills it the same way on a live database)."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(reminder_accounts.every_account())
    finally:
        await engine.dispose()


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
        # Computed once the tables above have statistics: before, over a million accounts, it ran for
        # more than nine minutes and was stopped (under a minute after).
        started = time.perf_counter()
        await _fill_reminder_accounts(url)
        await connection.execute("VACUUM ANALYZE reminder_accounts")
        say(f"  reminder_accounts        1 row per account {time.perf_counter() - started:6.1f} s")
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
