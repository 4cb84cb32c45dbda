"""The audit chain (lka_common.audit) on a real service database, migrated as the services are:
records chained under the lock (in parallel too), their events in the outbox with them, the
table append-only, refusals recorded after the rollback; and `make audit-verify`
(lka_common.audit_verify, run as the process it is) passing an intact chain and failing, naming
the record, on one edited, deleted or reordered row, a removed newest record, and a chain
rewritten from some record on."""

from __future__ import annotations

import asyncio
import hashlib
import json
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from lka_common.audit import GENESIS, Actor, Audit, AuditRecord, canonical, record, verify_chain
from lka_common.problems import Problem
from lka_common.testing.databases import plain_url
from lka_common.uow import UnitOfWork

SERVICE = "payments"  # any service: each has its chain; this one has no staff routes yet
ACTOR = Actor(SERVICE, uuid.uuid4(), "operator", "198.51.100.7", "req-audit-1")


@dataclass
class Chain:
    url: str
    sessions: async_sessionmaker[AsyncSession]

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, f"/lka/{SERVICE}")

    async def add(self, count: int, actor: Actor = ACTOR) -> list[AuditRecord]:
        made = []
        for i in range(count):
            async with self.uow() as uow:
                made.append(await record(uow, actor, "refund.approve", "refund", f"refund-{i}"))
                await uow.commit()
        return made

    async def rows(self) -> list[AuditRecord]:
        conn = await asyncpg.connect(plain_url(self.url))
        try:
            return [
                AuditRecord.model_validate(dict(r)) for r in await conn.fetch("SELECT * FROM audit_records ORDER BY id")
            ]
        finally:
            await conn.close()

    async def tamper(self, *statements: str) -> None:
        """What an attacker with the owner's rights can do: switch the trigger off, change rows."""
        conn = await asyncpg.connect(plain_url(self.url))
        try:
            async with conn.transaction():
                await conn.execute("ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only")
                for statement in statements:
                    await conn.execute(statement)
                await conn.execute("ALTER TABLE audit_records ENABLE TRIGGER audit_records_append_only")
        finally:
            await conn.close()


@pytest.fixture
async def chain(migrated_database: Callable[[str], str]) -> AsyncIterator[Chain]:
    """A fresh service database with its migrations, so a chain of its own."""
    url = migrated_database(SERVICE)
    engine = create_async_engine(url, pool_size=6)
    yield Chain(url, async_sessionmaker(engine, expire_on_commit=False))
    await engine.dispose()


def audit_verify(*urls: tuple[str, str]) -> tuple[int, list[str]]:
    """`make audit-verify` on these databases: its exit status and lines."""
    argv = [sys.executable, "-m", "lka_common.audit_verify"]
    for service, url in urls:
        argv += ["--service", service, "--database-url", f"{service}={url}"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    return done.returncode, (done.stdout + done.stderr).splitlines()


def test_the_hash_is_sha256_of_the_sorted_fields_with_the_service_and_prev_hash() -> None:
    at = datetime(2026, 12, 7, 9, 30, 0, 123456, tzinfo=UTC)
    fields = {
        "id": 1,
        "at": at,
        "actor_user_id": uuid.UUID(int=1),
        "actor_role": "operator",
        "action": "feedback.list",
        "object_type": "feedback",
        "object_id": "f-1",
        "client_address": None,
        "request_id": "r",
        "outcome": "ok",
        "prev_hash": GENESIS,
    }

    body = json.loads(canonical("notifications", fields))

    assert body["at"] == "2026-12-07T09:30:00.123456Z" and body["service"] == "notifications"
    assert list(body) == sorted(body)
    assert canonical("accounts", fields) != canonical("notifications", fields)


async def test_records_chain_and_go_out_with_their_events(chain: Chain) -> None:
    made = await chain.add(3)

    assert [r.prev_hash for r in made] == [GENESIS, made[0].hash, made[1].hash]
    assert await chain.rows() == made
    assert verify_chain(SERVICE, made) is None
    conn = await asyncpg.connect(plain_url(chain.url))
    try:
        bodies = await conn.fetch(
            "SELECT body FROM outbox WHERE routing_key = 'payments.audit.recorded.v1' ORDER BY id"
        )
    finally:
        await conn.close()
    events = [json.loads(b["body"]) for b in bodies]
    assert [e["data"] for e in events] == [r.event(SERVICE).model_dump(mode="json") for r in made]
    assert {e["subject"] for e in events} == {str(ACTOR.user_id)}


async def test_parallel_writers_make_one_chain_and_a_rolled_back_record_only_a_gap(chain: Chain) -> None:
    async def one(i: int) -> None:
        async with chain.uow() as uow:
            await record(uow, ACTOR, "payment.lookup", "payment", str(i))
            if i % 5:
                await uow.commit()  # every fifth rolls back: its id is never used

    await asyncio.gather(*(one(i) for i in range(20)))

    rows = await chain.rows()
    assert len(rows) == 16
    assert verify_chain(SERVICE, rows) is None
    assert [r.id for r in rows] == sorted(r.id for r in rows)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_records SET outcome = 'ok'",
        "DELETE FROM audit_records",
        "TRUNCATE audit_records",
    ],
)
async def test_the_table_refuses_every_change_and_the_owner_gave_up_the_rights(chain: Chain, statement: str) -> None:
    await chain.add(1)
    conn = await asyncpg.connect(plain_url(chain.url))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
            await conn.execute(statement)
        # The role that ran the migration (the service's own, as `make run` and Kubernetes run
        # them) holds no UPDATE, DELETE or TRUNCATE on the table any more.
        owner_rights = await conn.fetchval(
            "SELECT array_agg(privilege_type::text ORDER BY privilege_type) FROM pg_class,"
            " aclexplode(relacl) WHERE relname = 'audit_records' AND grantee = relowner"
        )
    finally:
        await conn.close()
    assert owner_rights == ["INSERT", "REFERENCES", "SELECT", "TRIGGER"]
    assert len(await chain.rows()) == 1


async def test_an_action_records_ok_with_its_commit_a_refusal_after_its_rollback_and_a_crash_nothing(
    chain: Chain,
) -> None:
    audit = Audit(ACTOR)

    async with audit.action(chain.uow(), "refund.approve", "refund", "r-ok") as step, chain.uow() as uow:
        await step.record(uow)
        await uow.commit()
    with pytest.raises(Problem):
        async with audit.action(chain.uow(), "refund.approve", "refund", "r-refused") as step, chain.uow() as uow:
            await step.record(uow)  # written, then rolled back with the action
            raise Problem(409, "request_resolved")
    with pytest.raises(RuntimeError):
        async with audit.action(chain.uow(), "refund.approve", "refund", "r-crash"):
            raise RuntimeError("not a refusal: the caller gets a 500, the audit nothing")
    async with audit.action(chain.uow(), "payment.lookup", "payment", "p-read"):
        pass  # a read: recorded on its own before the answer

    rows = await chain.rows()
    assert [(r.object_id, r.outcome) for r in rows] == [
        ("r-ok", "ok"),
        ("r-refused", "refused:request_resolved"),
        ("p-read", "ok"),
    ]
    assert {(r.client_address, r.request_id, r.actor_role) for r in rows} == {
        ("198.51.100.7", "req-audit-1", "operator")
    }
    assert verify_chain(SERVICE, rows) is None


async def test_audit_verify_passes_an_intact_chain_and_an_empty_one(
    chain: Chain, migrated_database: Callable[[str], str]
) -> None:
    await chain.add(4)
    empty = migrated_database("readings")

    code, lines = audit_verify((SERVICE, chain.url), ("readings", empty))

    assert code == 0, lines
    assert lines == ["payments: 4 records, chain intact", "readings: 0 records, chain intact"]


async def test_audit_verify_names_an_edited_record(chain: Chain) -> None:
    made = await chain.add(5)

    await chain.tamper(f"UPDATE audit_records SET outcome = 'ok', object_id = 'other' WHERE id = {made[2].id}")

    code, lines = audit_verify((SERVICE, chain.url))
    assert code == 1
    assert lines == [f"payments: BROKEN at record {made[2].id} altered: its contents do not match its hash (5 records)"]


async def test_audit_verify_names_the_record_after_a_deleted_one(chain: Chain) -> None:
    made = await chain.add(5)

    await chain.tamper(f"DELETE FROM audit_records WHERE id = {made[1].id}")

    code, lines = audit_verify((SERVICE, chain.url))
    assert code == 1
    assert lines == [
        f"payments: BROKEN at record {made[2].id} missing: the record chained before it is gone"
        f" (after record {made[0].id}) (4 records)"
    ]


async def test_audit_verify_names_a_reordered_record(chain: Chain) -> None:
    made = await chain.add(5)
    second, third = made[1].id, made[2].id

    # Two rows change places: their ids swapped.
    await chain.tamper(
        f"UPDATE audit_records SET id = -1 WHERE id = {second}",
        f"UPDATE audit_records SET id = {second} WHERE id = {third}",
        f"UPDATE audit_records SET id = {third} WHERE id = -1",
    )

    code, lines = audit_verify((SERVICE, chain.url))
    assert code == 1
    assert lines == [
        f"payments: BROKEN at record {second} out of order:"
        f" it follows record {third} in the chain, not its place here (5 records)"
    ]


async def copied_into_identity(identity_url: str, records: list[AuditRecord]) -> None:
    """Identity's copy of the records, as its consumer keeps them from their events."""
    conn = await asyncpg.connect(plain_url(identity_url))
    try:
        for r in records:
            await conn.execute(
                "INSERT INTO audit_projection"
                " SELECT $1, r.* FROM jsonb_populate_record(NULL::audit_records, $2::jsonb) r",
                SERVICE,
                r.model_dump_json(),
            )
    finally:
        await conn.close()


async def test_identitys_copy_finds_a_removed_newest_record(
    chain: Chain, migrated_database: Callable[[str], str]
) -> None:
    """The chain alone cannot tell its newest record removed: identity's copy of the events can."""
    made, identity = await chain.add(4), migrated_database("identity")
    await copied_into_identity(identity, made)
    assert audit_verify((SERVICE, chain.url), ("identity", identity))[0] == 0

    await chain.tamper(f"DELETE FROM audit_records WHERE id = {made[3].id}")

    code, lines = audit_verify((SERVICE, chain.url), ("identity", identity))
    assert code == 1
    assert lines[0] == (
        f"payments: BROKEN at record {made[3].id} missing: identity's copy has it, the chain does not (3 records)"
    )


async def test_identitys_copy_finds_a_chain_rewritten_from_a_record_on(
    chain: Chain, migrated_database: Callable[[str], str]
) -> None:
    """An attacker who edits a record and re-hashes it and every later one leaves a chain that
    verifies by itself; the copy identity keeps of the events does not match it."""
    made, identity = await chain.add(4), migrated_database("identity")
    await copied_into_identity(identity, made)
    forged, previous = [], made[1].hash
    for original in made[2:]:
        fields = original.model_dump(exclude={"hash"}) | {"prev_hash": previous}
        if original.id == made[2].id:
            fields["outcome"] = "ok" if original.outcome != "ok" else "refused:forbidden"
        previous = hashlib.sha256(canonical(SERVICE, fields)).hexdigest()
        forged.append(AuditRecord(**fields, hash=previous))

    await chain.tamper(
        *(
            f"UPDATE audit_records SET outcome = '{f.outcome}', prev_hash = '{f.prev_hash}', hash = '{f.hash}'"
            f" WHERE id = {f.id}"
            for f in forged
        )
    )

    assert verify_chain(SERVICE, await chain.rows()) is None  # it fools the chain alone
    code, lines = audit_verify((SERVICE, chain.url), ("identity", identity))
    assert code == 1
    assert lines[0] == (
        f"payments: BROKEN at record {made[2].id} altered: its hash differs from identity's copy:"
        " the chain was rewritten (4 records)"
    )
