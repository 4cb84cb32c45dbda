"""`GET /operator/audit` (docs/contract.md §4 "Audit"): identity's consumer copies every service's
`<service>.audit.recorded.v1`, once each; supervisors search the copy by actor, action, object
and time, newest first; operators and subscribers are 403; each search (an operator's try
too, refused) goes into identity's own chain."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest

from lka_common.audit import GENESIS, AuditRecord, verify_chain
from lka_common.events.accounts import AccountsAuditRecorded
from lka_common.events.audit import AuditRecorded
from lka_common.events.notifications import NotificationsAuditRecorded
from lka_common.events.payments import PaymentsAuditRecorded
from lka_common.testing.portal import otpauth_uri_in, sign_in_staff
from lka_common.testing.workers import running_consumer
from lka_identity.bootstrap import subscriptions
from lka_identity.settings import IdentitySettings


@pytest.fixture
async def consumer(settings: IdentitySettings) -> AsyncIterator[None]:
    async with running_consumer(settings, lambda: subscriptions(settings)):
        yield


@pytest.fixture
def staff(portal: Any, command: Any) -> Callable[[str], Awaitable[Any]]:
    """`await staff("supervisor")`: a staff profile made by `make operator`, signed in with the
    password and the second factor (docs/contract.md §4)."""

    async def make(role: str) -> Any:
        person = portal.person(portal.new_email())
        code, out, err = await command(
            "lka_identity.entrypoints.operator", "--email", person.email, "--password", person.password, "--role", role
        )
        assert code == 0, err
        uri, client = otpauth_uri_in(out), portal.from_client()
        tokens = await sign_in_staff(portal.api, person.email, person.password, uri, client)
        person.access_token = tokens["access_token"]
        person.user_id = str(await portal.db.fetchval("SELECT id FROM users WHERE email = $1", person.email))
        return person

    return make


def a_record(model: type[AuditRecorded], record_id: int, at: datetime, **fields: Any) -> AuditRecorded:
    values: dict[str, Any] = {
        "id": record_id,
        "at": at,
        "actor_user_id": uuid.uuid4(),
        "actor_role": "operator",
        "action": "link_request.approve",
        "object_type": "link_request",
        "object_id": str(uuid.uuid4()),
        "client_address": "198.51.100.7",
        "request_id": f"req-{uuid.uuid4().hex[:8]}",
        "outcome": "ok",
        "prev_hash": GENESIS,
        "hash": uuid.uuid4().hex * 2,
    }
    return model(**{**values, **fields})


async def search(portal: Any, who: Any, **query: str) -> Any:
    found = await portal.api.get("/api/v1/operator/audit", params=query, headers=portal.bearer(who.access_token))
    assert found.status_code == 200, found.text
    return found.json()


async def test_operators_and_subscribers_are_403_and_nobody_signed_out_gets_in(portal: Any, staff: Any) -> None:
    operator, subscriber = await staff("operator"), await portal.signed_in()

    answers = [
        await portal.get("/operator/audit"),
        await portal.get("/operator/audit", operator.access_token),
        await portal.get("/operator/audit", subscriber.access_token),
    ]

    assert [a.status_code for a in answers] == [401, 403, 403]
    assert [a.json()["code"] for a in answers[1:]] == ["forbidden", "forbidden"]


async def test_every_services_records_are_found_by_each_filter_newest_first(
    portal: Any, staff: Any, consumer: None, publish: Any, eventually: Any
) -> None:
    supervisor = await staff("supervisor")
    actor, request_id = uuid.uuid4(), str(uuid.uuid4())
    base = datetime(2026, 12, 1, 9, 0, tzinfo=UTC) + timedelta(minutes=uuid.uuid4().int % 10_000)
    first, second, third = (uuid.uuid4().int % 10**12 + 1 for _ in range(3))  # ids no other test has
    records = [
        a_record(AccountsAuditRecorded, first, base, actor_user_id=actor, object_id=request_id),
        a_record(
            NotificationsAuditRecorded, second, base + timedelta(minutes=1), actor_user_id=actor, action="feedback.list"
        ),
        a_record(PaymentsAuditRecorded, third, base + timedelta(minutes=2), object_id=request_id, outcome="refused:x"),
    ]
    for record in records:
        await publish(record)
    await publish(records[0])  # the same record again: kept once

    async def all_of_them() -> Any:
        found = await search(portal, supervisor, actor_user_id=str(actor))
        return found if len(found) == 2 else None

    by_actor = await eventually(all_of_them)
    by_object = await search(portal, supervisor, object_id=request_id)
    by_action = await search(portal, supervisor, action="feedback.list", actor_user_id=str(actor))
    in_time = await search(
        portal,
        supervisor,
        object_id=request_id,
        **{"from": (base + timedelta(minutes=1)).isoformat(), "to": (base + timedelta(minutes=3)).isoformat()},
    )

    assert [(r["service"], r["id"]) for r in by_actor] == [("notifications", second), ("accounts", first)]
    assert [(r["service"], r["outcome"]) for r in by_object] == [("payments", "refused:x"), ("accounts", "ok")]
    assert [r["service"] for r in by_action] == ["notifications"]
    assert [r["service"] for r in in_time] == ["payments"]
    assert by_object[1] == {
        "service": "accounts",
        **records[0].model_dump(mode="json", exclude={"prev_hash", "hash"}),
        "at": by_object[1]["at"],
    }
    assert datetime.fromisoformat(by_object[1]["at"]) == base


async def test_each_search_and_an_operators_try_are_in_identitys_own_chain(
    portal: Any, staff: Any, db: asyncpg.Pool, consumer: None, publish: Any, eventually: Any
) -> None:
    supervisor, operator = await staff("supervisor"), await staff("operator")
    looked_for = str(uuid.uuid4())

    await search(portal, supervisor, object_id=looked_for)
    refused = await portal.get("/operator/audit", operator.access_token)

    assert refused.status_code == 403
    mine = await db.fetch(
        "SELECT * FROM audit_records WHERE actor_user_id = ANY($1::uuid[]) AND action = 'audit.search' ORDER BY id",
        [uuid.UUID(supervisor.user_id), uuid.UUID(operator.user_id)],
    )
    assert [(str(r["actor_user_id"]), r["action"], r["object_id"], r["outcome"]) for r in mine] == [
        (supervisor.user_id, "audit.search", f"object_id={looked_for}", "ok"),
        (operator.user_id, "audit.search", None, "refused:forbidden"),
    ]
    chain = await db.fetch("SELECT * FROM audit_records ORDER BY id")
    assert verify_chain("identity", [AuditRecord.model_validate(dict(r)) for r in chain]) is None
    # Each went out with its record: the event in the outbox, which the relay publishes (here the
    # test does, leaving the rest of the outbox alone) and this consumer copies.
    for row in mine:
        (event,) = await db.fetch(
            "SELECT body::jsonb -> 'data' AS data FROM outbox WHERE routing_key = 'identity.audit.recorded.v1'"
            " AND body <> '' AND (body::jsonb -> 'data' ->> 'id')::bigint = $1",
            row["id"],
        )
        recorded = AuditRecord.model_validate(dict(row))
        assert json.loads(event["data"]) == recorded.event("identity").model_dump(mode="json")
        await publish(recorded.event("identity"))

    async def copied() -> Any:
        found = await search(portal, supervisor, action="audit.search", actor_user_id=operator.user_id)
        return found or None

    (copy,) = await eventually(copied)
    assert (copy["service"], copy["outcome"], copy["id"]) == ("identity", "refused:forbidden", mine[1]["id"])


async def test_filters_are_checked(portal: Any, staff: Any) -> None:
    supervisor = await staff("supervisor")
    wrong = [
        {"actor_user_id": "not-a-uuid"},
        {"from": "yesterday"},
        {"to": "9999-12-31T23:59:59-23:59"},  # past what a moment in UTC can be
        {"object_id": "a\x00b"},
        {"action": "<script>"},
        {"limit": "201"},
    ]
    for query in wrong:
        answer = await portal.api.get(
            "/api/v1/operator/audit", params=query, headers=portal.bearer(supervisor.access_token)
        )
        assert (answer.status_code, answer.json()["code"]) == (422, "validation_error"), query
