"""An operator's list of feedback is audited (docs/contract.md §4 "Audit", lka_common.audit): one
`feedback.list` record per feedback shown, published as `notifications.audit.recorded.v1`."""

from __future__ import annotations

import json
import uuid

import asyncpg
import httpx

from lka_common.audit import AuditRecord, verify_chain
from lka_common.testing.databases import plain_url
from lka_common.testing.tokens import TokenFactory
from lka_notifications.settings import NotificationsSettings


async def test_each_feedback_an_operator_is_shown_is_recorded_and_published(
    api: httpx.AsyncClient, settings: NotificationsSettings, tokens: TokenFactory
) -> None:
    posted = await api.post(
        "/api/v1/feedback",
        json={"topic": "Аудит", "message": "Кто это читал?", "email": "reader@example.ru"},
        headers={"X-Forwarded-For": "198.51.100.200"},
    )
    operator_id, request_id = uuid.uuid4(), f"audit-{uuid.uuid4().hex[:12]}"
    headers = {
        "Authorization": f"Bearer {tokens.issue(operator_id, role='operator')}",
        "X-Request-ID": request_id,
        "X-Forwarded-For": "203.0.113.9",
    }

    shown = (await api.get("/api/v1/operator/feedback?limit=3", headers=headers)).json()
    nothing = (await api.get("/api/v1/operator/feedback?offset=100000", headers=headers)).json()

    assert posted.json()["id"] in [item["id"] for item in shown] and nothing == []
    conn = await asyncpg.connect(plain_url(settings.database_url))
    try:
        rows = await conn.fetch("SELECT * FROM audit_records WHERE actor_user_id = $1 ORDER BY id", operator_id)
        chain = await conn.fetch("SELECT * FROM audit_records ORDER BY id")
        events = await conn.fetch(
            "SELECT body FROM outbox WHERE routing_key = 'notifications.audit.recorded.v1'"
            " AND body::jsonb -> 'data' ->> 'actor_user_id' = $1",
            str(operator_id),
        )
    finally:
        await conn.close()
    assert [r["object_id"] for r in rows] == [item["id"] for item in shown]
    assert {(r["action"], r["object_type"], r["outcome"], r["actor_role"]) for r in rows} == {
        ("feedback.list", "feedback", "ok", "operator")
    }
    assert {(r["client_address"], r["request_id"]) for r in rows} == {("203.0.113.9", request_id)}
    assert sorted(json.loads(e["body"])["data"]["id"] for e in events) == [r["id"] for r in rows]
    assert verify_chain("notifications", [AuditRecord.model_validate(dict(r)) for r in chain]) is None


async def test_a_supervisor_reads_feedback_too_and_is_recorded_as_one(
    api: httpx.AsyncClient, settings: NotificationsSettings, tokens: TokenFactory
) -> None:
    await api.post(
        "/api/v1/feedback",
        json={"topic": "Аудит", "message": "Ещё одно", "email": "reader@example.ru"},
        headers={"X-Forwarded-For": "198.51.100.201"},
    )
    supervisor_id = uuid.uuid4()

    shown = await api.get(
        "/api/v1/operator/feedback?limit=1",
        headers={"Authorization": f"Bearer {tokens.issue(supervisor_id, role='supervisor')}"},
    )

    assert shown.status_code == 200
    conn = await asyncpg.connect(plain_url(settings.database_url))
    try:
        roles = await conn.fetch("SELECT actor_role FROM audit_records WHERE actor_user_id = $1", supervisor_id)
    finally:
        await conn.close()
    assert [r["actor_role"] for r in roles] == ["supervisor"]
