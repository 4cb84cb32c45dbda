"""The audit (docs/contract.md §4 "Audit", docs/security.md "The audit"): every staff action and
every staff read of a subscriber's personal data, recorded in the acting service's own database
and published as `<service>.audit.recorded.v1`.

A record is `{id, at, actor_user_id, actor_role, action, object_type, object_id, client_address,
request_id, outcome}` plus its place in the service's hash chain: `prev_hash` is the previous
record's `hash` (64 zeros for the first), and `hash` is SHA-256 over `canonical()`, the record's
fields, the service's name and `prev_hash` as sorted, compact JSON. Writers take one
transaction-level advisory lock, then the next id, the time and the last hash: records are
chained in id order, and ids ascend in commit order (staff actions are rare, so one writer at a
time costs nothing worth measuring). The table refuses UPDATE, DELETE and TRUNCATE
(lka_common.migrations.AUDIT_TABLE_V1); `verify_chain` finds what got past that anyway:
`make audit-verify` (lka_common.audit_verify).

How a router records (accounts' entrypoints/routers/operator.py is the reference):

    AuditDep = Annotated[Audit, Depends(staff_audit(AccountsError, problem_for))]

    async with audit.action(uow, "link_request.approve", "link_request", request_id) as step:
        return await review.approve(uow, request_id, operator.user_id, step)

The use case calls `await step.record(uow)` last before `uow.commit()`: the record commits with
the action or not at all. A refusal (a domain error the service answers 4xx for, or a 4xx
`Problem`) is recorded as `refused:<code>` in a unit of its own once the action's unit has
rolled back, and the error goes on to the caller. A block that ends without `step.record`
(a read, which changes nothing) is recorded in a unit of its own before the answer goes out:
no staff read is answered unless its record committed. A list records one `ok` per object it
shows (`audit.read`), so a supervisor finds every read of an object by its id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar
from uuid import UUID

from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    MetaData,
    Table,
    Text,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import UUID as PG_UUID

from lka_common import context
from lka_common.auth import Principal, operator_principal
from lka_common.client_address import client_address
from lka_common.events.audit import AuditRecorded
from lka_common.events.catalog import OUTBOUND
from lka_common.problems import Problem
from lka_common.uow import UnitOfWork

OK = "ok"
REFUSED = "refused:"
GENESIS = "0" * 64
# pg_advisory_xact_lock(int, int): a key space apart from the single-key locks of attempts.py.
LOCK_KEYS = (0x4C4B41, 1)

audit_metadata = MetaData()

# As lka_common.migrations.AUDIT_TABLE_V1 makes it (tests/schema compares the two).
audit_records = Table(
    "audit_records",
    audit_metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor_user_id", PG_UUID(as_uuid=True), nullable=False),
    Column("actor_role", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("object_type", Text, nullable=False),
    Column("object_id", Text),
    Column("client_address", Text),
    Column("request_id", Text),
    Column("outcome", Text, nullable=False),
    Column("prev_hash", Text, nullable=False),
    Column("hash", Text, nullable=False),
)

# Every service's audit event, by service: `<service>.audit.recorded.v1`.
AUDIT_EVENTS: dict[str, type[AuditRecorded]] = {
    model.service: model for model in OUTBOUND.values() if issubclass(model, AuditRecorded)
}


class AuditRecord(BaseModel):
    """One row of `audit_records`."""

    model_config = ConfigDict(frozen=True)

    id: int
    at: datetime
    actor_user_id: UUID
    actor_role: str
    action: str
    object_type: str
    object_id: str | None
    client_address: str | None
    request_id: str | None
    outcome: str
    prev_hash: str
    hash: str

    def canonical(self, service: str) -> bytes:
        return canonical(service, self.model_dump(exclude={"hash"}))

    def expected_hash(self, service: str) -> str:
        return hashlib.sha256(self.canonical(service)).hexdigest()

    def event(self, service: str) -> AuditRecorded:
        return AUDIT_EVENTS[service].model_validate(self.model_dump())


def canonical(service: str, fields: dict[str, Any]) -> bytes:
    """What a record's hash is taken over: every field but `hash`, and the service's name (a
    record copied into another service's chain does not fit there), as JSON with sorted keys
    and no spaces; the time in UTC to the microsecond, as PostgreSQL keeps it."""
    at: datetime = fields["at"]
    body = {
        **fields,
        "service": service,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_user_id": str(fields["actor_user_id"]),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Actor:
    """Who acts, from where, in which request, in which service: what a router knows and a use
    case need not."""

    service: str
    user_id: UUID
    role: str
    client_address: str | None
    request_id: str | None

    @classmethod
    def of(cls, principal: Principal, service: str, client_address: str | None, request_id: str | None) -> Actor:
        return cls(service, principal.user_id, principal.role, client_address, request_id)


@dataclass(frozen=True)
class Entry:
    """What happened: `action` is `<object>.<verb>`, `outcome` `ok` or `refused:<code>`."""

    action: str
    object_type: str
    object_id: str | None
    outcome: str = OK


_LOCK = select(func.pg_advisory_xact_lock(*LOCK_KEYS))
_NEXT = text(
    "SELECT clock_timestamp(),"
    " (SELECT hash FROM audit_records ORDER BY id DESC LIMIT 1),"
    " ARRAY(SELECT nextval('audit_records_id_seq') FROM generate_series(1, :n))"
)


async def record(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object | None,
    outcome: str = OK,
) -> AuditRecord:
    """Record one entry in the unit's transaction and raise its event; commits with the unit.
    Call it last before `uow.commit()`: it holds the service's audit lock until then."""
    (found,) = await record_many(uow, actor, [Entry(action, object_type, _object_id(object_id), outcome)])
    return found


async def record_many(uow: UnitOfWork, actor: Actor, entries: Sequence[Entry]) -> list[AuditRecord]:
    """Record entries in order, chained, in the unit's transaction; one event each."""
    if not entries:
        return []
    session = uow.session
    await session.execute(_LOCK)
    # After the lock, in a statement of its own: READ COMMITTED takes this statement's snapshot
    # now, so the last hash is the last committed record's (every writer holds the lock to its commit).
    at, prev_hash, ids = (await session.execute(_NEXT, {"n": len(entries)})).one()
    prev_hash = prev_hash or GENESIS
    made = []
    for record_id, entry in zip(sorted(ids), entries, strict=True):
        fields = {
            "id": record_id,
            "at": at,
            "actor_user_id": actor.user_id,
            "actor_role": actor.role,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "client_address": actor.client_address,
            "request_id": actor.request_id,
            "outcome": entry.outcome,
            "prev_hash": prev_hash,
        }
        prev_hash = hashlib.sha256(canonical(actor.service, fields)).hexdigest()
        made.append(AuditRecord(**fields, hash=prev_hash))
    await session.execute(insert(audit_records), [r.model_dump() for r in made])
    for made_record in made:
        uow.publish(made_record.event(actor.service), subject=str(actor.user_id))
    return made


def _object_id(value: object | None) -> str | None:
    return None if value is None else str(value)


# --- Routers: the `Audit` dependency ---------------------------------------------------------

Refusal = Callable[[BaseException], "str | None"]
E = TypeVar("E", bound=Exception)


def problem_refusal(exc: BaseException) -> str | None:
    """A `Problem` the caller is answered with below 500 is a refusal, recorded with its code."""
    if isinstance(exc, Problem) and exc.status < 500:
        return exc.code
    return None


def refusal_of(error: type[E], problem_for: Callable[[E], Problem]) -> Refusal:
    """A service's refusals: its domain errors, as its entrypoints/errors.py answers them (4xx
    only), and any 4xx `Problem`."""

    def code(exc: BaseException) -> str | None:
        if isinstance(exc, error):
            return problem_refusal(problem_for(exc))
        return problem_refusal(exc)

    return code


@dataclass(frozen=True)
class AuditStep:
    """One action being recorded: the use case calls `await step.record(uow)` in its unit, last
    before the commit."""

    actor: Actor
    entry: Entry
    _recorded: list[AuditRecord]

    async def record(self, uow: UnitOfWork) -> AuditRecord:
        made = await record(uow, self.actor, self.entry.action, self.entry.object_type, self.entry.object_id)
        self._recorded.append(made)
        return made

    @property
    def recorded(self) -> bool:
        return bool(self._recorded)


@dataclass(frozen=True)
class Audit:
    """What a staff route records with: its actor (the caller, their address, the request) and
    how its service's refusals are coded."""

    actor: Actor
    refusal: Refusal = problem_refusal

    @asynccontextmanager
    async def action(
        self, uow: UnitOfWork, action: str, object_type: str, object_id: object | None
    ) -> AsyncIterator[AuditStep]:
        """Record `action` on the object: `ok` with the use case's own unit (`step.record`), or
        in a unit of its own when the block ends without it; `refused:<code>` when the block
        raises a refusal (recorded after the use case's unit rolled back, then raised on)."""
        step = AuditStep(self.actor, Entry(action, object_type, _object_id(object_id)), [])
        try:
            yield step
        except Exception as exc:
            code = self.refusal(exc)
            if code is not None:
                await self._write(uow.separate(), [replace(step.entry, outcome=REFUSED + code)])
            raise
        if not step.recorded:
            await self._write(uow, [step.entry])

    async def read(self, uow: UnitOfWork, action: str, object_type: str, object_ids: Iterable[object]) -> None:
        """A list's read: one `ok` record per object shown (none for an empty page), committed
        before the answer goes out."""
        await self._write(uow, [Entry(action, object_type, _object_id(i)) for i in object_ids])

    async def _write(self, uow: UnitOfWork, entries: list[Entry]) -> None:
        if not entries:
            return
        async with uow:
            await record_many(uow, self.actor, entries)
            await uow.commit()


def staff_audit(
    error: type[E] | None = None,
    problem_for: Callable[[E], Problem] | None = None,
    principal: Callable[..., Awaitable[Principal]] = operator_principal,
) -> Callable[..., Awaitable[Audit]]:
    """The dependency giving a route its `Audit`: the caller by `principal` (staff by default;
    FastAPI runs it once per request, however many parameters ask for it), the client address
    (lka_common.client_address), the request id the middleware bound, and the service's
    refusals (`error` answered by `problem_for`, plus 4xx `Problem`s)."""
    refusal = refusal_of(error, problem_for) if error is not None and problem_for is not None else problem_refusal

    # `= Depends(...)`, not Annotated: the annotation would name `principal`, a local FastAPI
    # cannot resolve from the module's globals.
    async def get_audit(request: Request, who: Principal = Depends(principal)) -> Audit:
        service: str = request.app.state.settings.service_name
        actor = Actor.of(who, service, client_address(request), context.current_ids().get("request_id"))
        return Audit(actor, refusal)

    return get_audit


# --- The verifier: is a chain intact? --------------------------------------------------------

Fault = Literal["altered", "missing", "out_of_order"]


@dataclass(frozen=True)
class Break:
    """The first record where a chain is broken, and how."""

    record_id: int
    fault: Fault
    detail: str

    def __str__(self) -> str:
        return f"record {self.record_id} {self.fault.replace('_', ' ')}: {self.detail}"


def verify_chain(service: str, records: Sequence[AuditRecord]) -> Break | None:
    """The first break of a service's chain (records in id order), or None if it is intact.

    At each record: is it linked to the one before (its prev_hash is that one's hash, or 64
    zeros for the first), and does its hash match its contents? A broken link whose prev_hash
    is another record's hash is a reordering; a record whose contents do not match its hash was
    altered; a broken link to a hash no record has means the record before it was removed (or
    altered and re-hashed, which removes the original just the same)."""
    position = {r.hash: i for i, r in enumerate(records)}
    previous = GENESIS
    for i, current in enumerate(records):
        linked = current.prev_hash == previous
        intact = current.expected_hash(service) == current.hash
        if not linked and current.prev_hash in position:
            other = records[position[current.prev_hash]]
            return Break(current.id, "out_of_order", f"it follows record {other.id} in the chain, not its place here")
        if not intact:
            return Break(current.id, "altered", "its contents do not match its hash")
        if not linked:
            before = f"after record {records[i - 1].id}" if i else "before it, the first"
            return Break(current.id, "missing", f"the record chained before it is gone ({before})")
        previous = current.hash
    return None
