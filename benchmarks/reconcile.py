"""Reconciling a busy day: 10,000 payments against a registry of 10,000 lines, in under a minute
(issue 22, docs/performance.md "Reconciling a day").

A database of its own (`lka_bench_reconcile_<run>`, migrated as payments' own, dropped at the
end) gets 10,000 succeeded payments of one day inserted directly; the bank's registry of that
day is a CSV file of 10,000 lines as the emulator writes it (tools/acquirer_emulator,
registry.py), read through `file://` as a registry delivered by the bank would be. The day holds
9,970 payments that agree, 20 the bank recorded for another amount, 10 it lists and we do not
(`missing_here`) and 10 we have and it does not (`missing_at_bank`). The run is the service's
own (service_layer/reconciling.py): read the registry, read ours, classify, store the findings,
the audit record and the event in one transaction. Run twice: the second replaces the first.

    .venv/bin/python benchmarks/reconcile.py [--payments 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg

from lka_common.db import make_engine, make_sessionmaker
from lka_common.testing.databases import create_migrated_database, drop_database, plain_url
from lka_common.testing.layout import service_dir
from lka_common.testing.servers import test_servers
from lka_common.uow import UnitOfWork
from lka_payments.adapters import reconciliations
from lka_payments.adapters.rbs import RbsAcquirer
from lka_payments.service_layer.reconciling import STALE_RUN_S, run
from lka_payments.service_layer.refunding import system_actor
from lka_payments.settings import PaymentsSettings

LOCAL_TIME = ZoneInfo("Europe/Simferopol")
DAY = date(2026, 12, 15)
COLUMNS = ["order_id", "order_number", "operation", "amount", "status", "time", "card_brand", "masked_pan"]


def the_day(count: int) -> tuple[list[tuple[object, ...]], list[list[str]]]:
    """(our payment rows, the registry's lines) of a day with the disagreements above."""
    rng = random.Random(22)
    start = datetime(DAY.year, DAY.month, DAY.day, tzinfo=LOCAL_TIME)
    ours, bank = [], []
    for i in range(count + 10):  # 10 at the bank only, 10 ours only: each side `count`
        payment_id, order_id = uuid.uuid4(), str(uuid.uuid4())
        amount = rng.randrange(100, 500_000)
        at = start + timedelta(seconds=rng.randrange(0, 86_400))
        bank_only, ours_only, other_amount = i < 10, 10 <= i < 20, 20 <= i < 40
        if not bank_only:
            ours.append(
                (
                    payment_id,
                    uuid.uuid4(),
                    uuid.uuid4(),
                    "simferopol",
                    f"{91_000_000 + i}",
                    amount,
                    "succeeded",
                    f"bench-{payment_id.hex}",
                    "bench",
                    payment_id.hex,
                    order_id,
                    "card",
                    False,
                    "visa",
                    "411111******1111",
                    at - timedelta(seconds=30),
                    at,
                    at,
                    at,
                )
            )
        if not ours_only:
            paid = amount + 100 if other_amount else amount
            bank.append(
                [
                    order_id,
                    payment_id.hex,
                    "deposit",
                    str(paid),
                    "2",
                    at.isoformat(timespec="seconds"),
                    "VISA",
                    "411111******1111",
                ]
            )
    return ours, bank


INSERT = """
INSERT INTO payments (id, user_id, account_id, region_code, account_number, amount_kopecks, status,
                      idempotency_key, request_fingerprint, order_number, acquirer_order_id, method, save_card,
                      card_brand, pan_masked, created_at, updated_at, paid_at, next_check_at, check_attempts)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 0)
"""


async def bench(url: str, count: int) -> None:
    rows, lines = the_day(count)
    registry = Path(tempfile.mkdtemp()) / f"registry-{DAY.isoformat()}.csv"
    with registry.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(lines)
    connection = await asyncpg.connect(plain_url(url))
    started = time.perf_counter()
    await connection.executemany(INSERT, rows)
    await connection.execute("ANALYZE payments")
    await connection.close()
    print(f"вставлено платежей: {len(rows)} за {time.perf_counter() - started:.1f} с; строк реестра: {len(lines)}")

    settings = PaymentsSettings(database_url=url, environment="test", registry_url=f"file://{registry}")
    engine = make_engine(settings, pool_size=2)
    uow = UnitOfWork(make_sessionmaker(engine), settings.source)
    acquirer = RbsAcquirer(settings)  # asked only about payments pending here: none in this day
    try:
        for attempt in (1, 2):
            async with uow:
                await reconciliations.claim(uow.session, DAY, None, STALE_RUN_S)
                await uow.commit()
            started = time.perf_counter()
            result = await run(uow, acquirer, settings, DAY, system_actor(settings))
            took = time.perf_counter() - started
            kinds: dict[str, int] = {}
            for finding in result.discrepancies:
                kinds[finding.kind] = kinds.get(finding.kind, 0) + 1
            print(
                f"прогон {attempt}: {took:.2f} с; совпало {result.matched}, расхождений {len(result.discrepancies)} "
                f"{kinds}; банк {result.bank_total / 100:.2f} руб., у нас {result.our_total / 100:.2f} руб."
            )
            assert took < 60, "over a minute"
    finally:
        await acquirer.close()
        await engine.dispose()
        registry.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--payments", type=int, default=10_000)
    args = parser.parse_args()
    name = f"lka_bench_reconcile_{uuid.uuid4().hex[:8]}"
    with test_servers() as servers:
        url = create_migrated_database(servers.postgres_url, name, service_dir("payments"))
        try:
            asyncio.run(bench(url, args.payments))
        finally:
            drop_database(servers.postgres_url, name)


if __name__ == "__main__":
    main()
