"""`make audit-verify`: check every service's audit chain (lka_common.audit).

    .venv/bin/python -m lka_common.audit_verify [--database-url SERVICE=URL ...]

Each service's database is the one its processes use: `LKA_<SVC>_DATABASE_DIRECT_URL`, else
`LKA_<SVC>_DATABASE_URL`, else its own database on `LKA_POSTGRES_URL` (`make run`'s defaults),
read through the same settings as the services. For each service the records are read in id
order in one snapshot and `verify_chain` finds the first record that was altered, removed from
before it or moved; then the copy identity keeps for the supervisors' search (its
`audit_projection`, filled from the `<service>.audit.recorded.v1` events) is compared with the
chain, which finds what the chain alone cannot: its newest records removed, or the whole chain
rewritten from some record on.

One line per service; exit status 0 when every chain is intact, 1 when one is broken (its line
names the first broken record and what is wrong with it), 2 when a database could not be read.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from lka_common.audit import AuditRecord, Break, verify_chain
from lka_common.settings import ServiceSettings

SERVICES = ("identity", "accounts", "readings", "payments", "notifications")
# Identity's copy of every service's records (services/identity: adapters/tables.py).
COPY_SERVICE, COPY_TABLE = "identity", "audit_projection"

_RECORDS = (
    "SELECT id, at, actor_user_id, actor_role, action, object_type, object_id, client_address, request_id,"
    " outcome, prev_hash, hash FROM audit_records ORDER BY id"
)


@dataclass(frozen=True)
class Verdict:
    service: str
    records: int
    broken: Break | None = None
    error: str | None = None

    def __str__(self) -> str:
        if self.error is not None:
            return f"{self.service}: not checked: {self.error}"
        if self.broken is not None:
            return f"{self.service}: BROKEN at {self.broken} ({self.records} records)"
        return f"{self.service}: {self.records} records, chain intact"


def database_url(service: str) -> str:
    """The service's database as its processes find it, for asyncpg."""
    settings_class: Any = type(f"{service.title()}AuditSettings", (ServiceSettings,), {"service_name": service})
    settings = settings_class()
    url = settings.database_direct_url or settings.database_url
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def read_chain(url: str) -> list[AuditRecord]:
    connection = await asyncpg.connect(url, timeout=10)
    try:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            rows = await connection.fetch(_RECORDS)
    finally:
        await connection.close()
    return [AuditRecord.model_validate(dict(row)) for row in rows]


async def read_copy(url: str) -> dict[str, dict[int, str]] | None:
    """Identity's copy: (service → id → hash), or None where there is none to compare with."""
    connection = await asyncpg.connect(url, timeout=10)
    try:
        if await connection.fetchval("SELECT to_regclass($1)", COPY_TABLE) is None:
            return None
        rows = await connection.fetch(f"SELECT service, id, hash FROM {COPY_TABLE}")
    finally:
        await connection.close()
    copy: dict[str, dict[int, str]] = {}
    for row in rows:
        copy.setdefault(row["service"], {})[row["id"]] = row["hash"]
    return copy


def compare_with_copy(records: Sequence[AuditRecord], copied: dict[int, str]) -> Break | None:
    """The first record (by id) identity's copy has that the chain lacks, or has otherwise."""
    chain = {r.id: r.hash for r in records}
    for record_id in sorted(copied):
        if record_id not in chain:
            return Break(record_id, "missing", "identity's copy has it, the chain does not")
        if chain[record_id] != copied[record_id]:
            return Break(record_id, "altered", "its hash differs from identity's copy: the chain was rewritten")
    return None


async def verify(urls: dict[str, str]) -> list[Verdict]:
    copy: dict[str, dict[int, str]] | None = None
    copy_error = None
    if COPY_SERVICE in urls:
        try:
            copy = await read_copy(urls[COPY_SERVICE])
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            copy_error = repr(exc)
    verdicts = []
    for service, url in urls.items():
        try:
            records = await read_chain(url)
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            verdicts.append(Verdict(service, 0, error=f"{exc!r} ({make_url(url).render_as_string()})"))
            continue
        broken = verify_chain(service, records)
        if broken is None and copy is not None:
            broken = compare_with_copy(records, copy.get(service, {}))
        verdicts.append(Verdict(service, len(records), broken))
    if copy_error is not None:
        verdicts.append(Verdict(f"{COPY_SERVICE} (copy)", 0, error=copy_error))
    return verdicts


def exit_status(verdicts: Sequence[Verdict]) -> int:
    if any(v.broken is not None for v in verdicts):
        return 1
    if any(v.error is not None for v in verdicts):
        return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="audit-verify", description="Check every service's audit chain.")
    parser.add_argument(
        "--database-url",
        action="append",
        default=[],
        metavar="SERVICE=URL",
        help="a service's database instead of its settings' (repeatable)",
    )
    parser.add_argument("--service", action="append", choices=SERVICES, help="only these services (repeatable)")
    args = parser.parse_args(argv)
    given = dict(item.split("=", 1) for item in args.database_url)
    unknown = set(given) - set(SERVICES)
    if unknown:
        parser.error(f"unknown service: {', '.join(sorted(unknown))}")
    chosen = args.service or list(SERVICES)
    urls = {
        s: make_url(given[s]).set(drivername="postgresql").render_as_string(hide_password=False)
        if s in given
        else database_url(s)
        for s in chosen
    }
    verdicts = asyncio.run(verify(urls))
    for verdict in verdicts:
        print(verdict)
    return exit_status(verdicts)


if __name__ == "__main__":
    sys.exit(main())
