"""The operators' calls are audited (docs/contract.md §4 "Audit", lka_common.audit): a decision in
the decision's own transaction, a refused one with its code, the queue one record per request
it shows, a registry lookup; each published as `accounts.audit.recorded.v1`, and the chain
intact."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from lka_common import audit
from lka_common.audit import AuditRecord, verify_chain


async def a_request(api: httpx.AsyncClient, who: Any, number: str) -> dict[str, Any]:
    body = {"region_code": "simferopol", "number": number, "surname_prefix": "Щук"}
    response = await api.post("/accounts", json=body, headers=who.headers)
    assert response.status_code == 202, response.text
    request: dict[str, Any] = response.json()["request"]
    return request


def traced(who: Any, address: str = "198.51.100.7") -> tuple[dict[str, str], str]:
    request_id = f"audit-{uuid.uuid4().hex[:12]}"
    return {**who.headers, "X-Request-ID": request_id, "X-Forwarded-For": address}, request_id


async def records_of(db: asyncpg.Pool, **where: Any) -> list[dict[str, Any]]:
    clauses = " AND ".join(f"{name} = ${i}" for i, name in enumerate(where, start=1))
    rows = await db.fetch(f"SELECT * FROM audit_records WHERE {clauses} ORDER BY id", *where.values())
    return [dict(row) for row in rows]


async def test_a_decision_is_recorded_and_published_with_who_where_and_which_request(
    api: httpx.AsyncClient, person: Any, number: Any, db: asyncpg.Pool, outbox: Any
) -> None:
    operator = person("operator")
    request = await a_request(api, person(), number())
    headers, request_id = traced(operator)

    rejected = await api.post(
        f"/operator/link-requests/{request['id']}/reject", json={"comment": "Не подтверждено"}, headers=headers
    )

    assert rejected.status_code == 200, rejected.text
    (row,) = await records_of(db, object_id=request["id"])
    assert {k: row[k] for k in ("actor_user_id", "actor_role", "action", "object_type", "outcome")} == {
        "actor_user_id": operator.user_id,
        "actor_role": "operator",
        "action": "link_request.reject",
        "object_type": "link_request",
        "outcome": "ok",
    }
    assert (row["client_address"], row["request_id"]) == ("198.51.100.7", request_id)
    (event,) = await outbox("accounts.audit.recorded.v1", object_id=request["id"])
    assert event == AuditRecord.model_validate(row).event("accounts").model_dump(mode="json")


async def test_a_refused_decision_is_recorded_with_its_code_and_decides_nothing(
    api: httpx.AsyncClient, person: Any, billing: Any, db: asyncpg.Pool
) -> None:
    account = await billing()
    me = person()
    request = await a_request(api, me, account.number)
    myself = person("supervisor", user_id=me.user_id)  # filed as a subscriber, promoted since
    operator = person("operator")

    own = await api.post(f"/operator/link-requests/{request['id']}/approve", headers=myself.headers)
    approved = await api.post(f"/operator/link-requests/{request['id']}/approve", headers=operator.headers)
    again = await api.post(
        f"/operator/link-requests/{request['id']}/reject", json={"comment": "Поздно"}, headers=operator.headers
    )

    assert [r.status_code for r in (own, approved, again)] == [403, 200, 409]
    found = [(r["actor_user_id"], r["action"], r["outcome"]) for r in await records_of(db, object_id=request["id"])]
    assert found == [
        (me.user_id, "link_request.approve", "refused:same_actor"),
        (operator.user_id, "link_request.approve", "ok"),
        (operator.user_id, "link_request.reject", "refused:request_resolved"),
    ]


async def test_a_decision_whose_record_fails_is_not_made(
    api: httpx.AsyncClient, person: Any, number: Any, db: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record is written in the decision's transaction: when anything fails after it, the
    decision and the record are both rolled back."""
    request = await a_request(api, person(), number())
    real = audit.record_many

    async def written_then_failing(*args: Any, **kwargs: Any) -> Any:
        await real(*args, **kwargs)
        raise RuntimeError("after the record, before the commit")

    monkeypatch.setattr(audit, "record_many", written_then_failing)
    rejected = await api.post(
        f"/operator/link-requests/{request['id']}/reject", json={"comment": "Нет"}, headers=person("operator").headers
    )
    monkeypatch.undo()

    assert rejected.status_code == 500
    status = await db.fetchval("SELECT status FROM link_requests WHERE id = $1", uuid.UUID(request["id"]))
    assert status == "pending"
    assert await records_of(db, object_id=request["id"]) == []


async def test_the_queue_is_recorded_once_per_request_it_shows_and_an_empty_page_not_at_all(
    api: httpx.AsyncClient, person: Any, number: Any, db: asyncpg.Pool
) -> None:
    first, second = await a_request(api, person(), number()), await a_request(api, person(), number())
    operator = person("operator")

    shown = (await api.get("/operator/link-requests?status=pending&limit=200", headers=operator.headers)).json()
    past_the_end = await api.get("/operator/link-requests?status=pending&offset=100000", headers=operator.headers)

    assert {first["id"], second["id"]} <= {item["id"] for item in shown}
    assert past_the_end.json() == []
    reads = await records_of(db, actor_user_id=operator.user_id)
    assert sorted(r["object_id"] for r in reads) == sorted(item["id"] for item in shown)
    kinds = {(r["action"], r["object_type"], r["outcome"]) for r in reads}
    assert kinds == {("link_request.list", "link_request", "ok")}


async def test_a_registry_lookup_is_recorded_and_an_unknown_number_as_refused(
    api: httpx.AsyncClient, person: Any, billing: Any, number: Any, db: asyncpg.Pool
) -> None:
    account, unknown = await billing(region_code="yalta"), number()
    operator = person("operator")

    found = await api.get(f"/operator/billing-accounts/yalta/{account.number}", headers=operator.headers)
    missing = await api.get(f"/operator/billing-accounts/yalta/{unknown}", headers=operator.headers)

    assert (found.status_code, missing.status_code) == (200, 404)
    reads = await records_of(db, actor_user_id=operator.user_id)
    assert [(r["action"], r["object_type"], r["object_id"], r["outcome"]) for r in reads] == [
        ("billing_account.lookup", "billing_account", f"yalta/{account.number}", "ok"),
        ("billing_account.lookup", "billing_account", f"yalta/{unknown}", "refused:not_found"),
    ]


async def test_a_subscribers_try_is_403_and_no_staff_record(
    api: httpx.AsyncClient, person: Any, number: Any, db: asyncpg.Pool
) -> None:
    me = person()
    request = await a_request(api, me, number())

    answers = [
        await api.get("/operator/link-requests", headers=me.headers),
        await api.post(f"/operator/link-requests/{request['id']}/approve", headers=me.headers),
    ]

    assert [a.status_code for a in answers] == [403, 403]
    assert await records_of(db, actor_user_id=me.user_id) == []


async def test_the_chain_of_every_record_so_far_is_intact(
    api: httpx.AsyncClient, person: Any, number: Any, db: asyncpg.Pool
) -> None:
    await api.get("/operator/link-requests", headers=person("operator").headers)
    rows = await db.fetch("SELECT * FROM audit_records ORDER BY id")

    assert rows, "the calls above recorded something"
    assert verify_chain("accounts", [AuditRecord.model_validate(dict(r)) for r in rows]) is None
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await db.execute("UPDATE audit_records SET outcome = 'ok' WHERE id = $1", rows[0]["id"])
