"""The audit end to end (docs/contract.md §4 "Audit", issue 19): an operator's reads and decisions
through the gateway land in the acting services' chains and reach the supervisors' search
(`GET /operator/audit`), which operators and subscribers cannot open; `make audit-verify` passes
on the stack and names the record an owner of a service's database changed behind its back.
The supervisors' other view across services, the scheduler's runs (`GET /operator/jobs`, §4
"Reminders"), is checked on the same stack."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import datetime
from functools import partial
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from lka_common.testing import events
from lka_common.testing.jobs import record_run
from lka_common.testing.portal import STAFF_PASSWORD, StaffMember, Subscriber, new_address, new_subscriber
from lka_common.testing.stack import SERVICES, Stack

eventually = partial(events.eventually, timeout=20, interval=0.3)

pytestmark = pytest.mark.slow

SIMFEROPOL = ("simferopol", "91000101")  # a demo account: Иванов


async def make_staff(env: dict[str, str], role: str) -> StaffMember:
    """A staff profile as `make operator … ROLE=…` makes it, with what the command printed."""
    email = new_address()
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "lka_identity.entrypoints.operator", "--email", email, "--password", STAFF_PASSWORD, "--role", role),
        env={**env, "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(child.communicate(), timeout=60)
    assert child.returncode == 0, output.decode(errors="replace")
    return StaffMember.from_output(email, STAFF_PASSWORD, output.decode())


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as client:
        yield client


@pytest.fixture(scope="module")
async def people(stack: Stack, stack_env: tuple[dict[str, str], str, int]) -> dict[str, Any]:
    """A supervisor's and an operator's headers (both signed in with their second factor), the
    operator's user id, and a subscriber."""
    env = stack_env[0]
    supervisor, operator = await make_staff(env, "supervisor"), await make_staff(env, "operator")
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as client:
        operator_headers = await operator.sign_in(client)
        profile = (await client.get("/api/v1/profile", headers=operator_headers)).json()
        return {
            "supervisor": await supervisor.sign_in(client),
            "operator": operator_headers,
            "operator_id": profile["user_id"],
            "subscriber": await new_subscriber(client, stack.mail),
        }


async def search(http: httpx.AsyncClient, who: dict[str, str], **query: str) -> list[dict[str, Any]]:
    found = await http.get("/api/v1/operator/audit", params=query, headers=who)
    assert found.status_code == 200, found.text
    return found.json()  # type: ignore[no-any-return]


async def test_an_operators_reads_and_decisions_reach_the_supervisors_search(
    http: httpx.AsyncClient, people: dict[str, Any]
) -> None:
    operator, supervisor, subscriber = people["operator"], people["supervisor"], people["subscriber"]
    assert isinstance(subscriber, Subscriber)
    # A request for an operator (wrong letters on a demo account), and a feedback to read.
    region, number = SIMFEROPOL
    asked = await http.post(
        "/api/v1/accounts",
        json={"region_code": region, "number": number, "surname_prefix": "ЖЖЖ"},
        headers=subscriber.headers,
    )
    assert asked.status_code == 202, asked.text
    request_id = asked.json()["request"]["id"]
    posted = await http.post(
        "/api/v1/feedback", json={"topic": "Аудит", "message": "Кто прочтет?"}, headers=subscriber.headers
    )
    assert posted.status_code == 201, posted.text

    queue = (await http.get("/api/v1/operator/link-requests?status=pending&limit=200", headers=operator)).json()
    rejected = await http.post(
        f"/api/v1/operator/link-requests/{request_id}/reject", json={"comment": "Буквы не совпали"}, headers=operator
    )
    feedback = (await http.get("/api/v1/operator/feedback?limit=200", headers=operator)).json()
    looked_up = await http.get(f"/api/v1/operator/billing-accounts/{region}/{number}", headers=operator)
    refused = [
        await http.get("/api/v1/operator/audit", headers=operator),
        await http.get("/api/v1/operator/audit", headers=subscriber.headers),
    ]

    assert request_id in [item["id"] for item in queue]
    assert rejected.status_code == 200, rejected.text
    assert posted.json()["id"] in [item["id"] for item in feedback]
    assert looked_up.status_code in (200, 404)
    assert [r.status_code for r in refused] == [403, 403]

    async def about_the_request() -> list[dict[str, Any]] | None:
        found = await search(http, supervisor, object_id=request_id)
        return found if len(found) >= 2 else None

    records = await eventually(about_the_request)
    assert [(r["service"], r["action"], r["outcome"]) for r in records] == [
        ("accounts", "link_request.reject", "ok"),
        ("accounts", "link_request.list", "ok"),
    ]
    assert {(r["actor_user_id"], r["actor_role"], r["client_address"]) for r in records} == {
        (people["operator_id"], "operator", "127.0.0.1")
    }

    async def everything_the_operator_did() -> set[tuple[str, str, str]] | None:
        found = await search(http, supervisor, actor_user_id=people["operator_id"], limit="200")
        kinds = {(r["service"], r["action"], r["outcome"]) for r in found}
        wanted = {
            ("notifications", "feedback.list", "ok"),
            ("identity", "audit.search", "refused:forbidden"),
        }
        return kinds if wanted <= kinds and any(k[1] == "billing_account.lookup" for k in kinds) else None

    await eventually(everything_the_operator_did)


async def test_the_runs_of_every_scheduling_service_reach_the_supervisors_list(
    http: httpx.AsyncClient, people: dict[str, Any], stack_env: tuple[dict[str, str], str, int]
) -> None:
    """The stack schedules nothing itself (lka_common.testing.stack): a run is recorded in each
    service's database by the shared runner, and the gateway merges what the three APIs list."""
    env = stack_env[0]
    recorded = {
        service: await record_run(env[f"LKA_{service.upper()}_DATABASE_URL"], f"e2e.{service}_probe")
        for service in ("payments", "readings", "accounts")
    }
    answer = await http.get("/api/v1/operator/jobs", headers=people["supervisor"])
    refused = [
        await http.get("/api/v1/operator/jobs", headers=people["operator"]),
        await http.get("/api/v1/operator/jobs", headers=people["subscriber"].headers),
    ]

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["unavailable"] == []
    listed = {(run["service"], run["job"]): run for run in body["runs"]}
    for service, record in recorded.items():
        run = listed[(service, f"e2e.{service}_probe")]
        assert (run["id"], run["status"], run["items"]) == (record.run_id, "finished", 3)
    started = [datetime.fromisoformat(run["started_at"]) for run in body["runs"]]
    assert started == sorted(started, reverse=True)
    assert [r.status_code for r in refused] == [403, 403]


def audit_verify(env: dict[str, str]) -> tuple[int, list[str]]:
    """What `make audit-verify` runs, with the stack's database settings."""
    done = subprocess.run(
        [sys.executable, "-m", "lka_common.audit_verify"],
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.returncode, (done.stdout + done.stderr).splitlines()


async def test_audit_verify_passes_and_then_names_a_record_its_owner_changed(
    people: dict[str, Any], stack_env: tuple[dict[str, str], str, int]
) -> None:
    env = stack_env[0]
    code, lines = audit_verify(env)
    assert code == 0, lines
    assert [line.split(":")[0] for line in lines] == SERVICES
    assert all(line.endswith("chain intact") for line in lines), lines

    # The service's own role, which owns the table (it ran the migration): even with the trigger
    # off it may not UPDATE until it grants itself the right again, as an attacker holding its
    # password would.
    accounts = make_url(env["LKA_ACCOUNTS_DATABASE_URL"]).set(drivername="postgresql").render_as_string(False)
    conn = await asyncpg.connect(accounts)
    try:
        target = await conn.fetchval(
            "SELECT id FROM audit_records WHERE action = 'link_request.reject' ORDER BY id DESC LIMIT 1"
        )
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("UPDATE audit_records SET outcome = 'refused:forbidden' WHERE id = $1", target)
        async with conn.transaction():
            await conn.execute("ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only")
            await conn.execute("GRANT UPDATE ON audit_records TO CURRENT_USER")
            await conn.execute("UPDATE audit_records SET outcome = 'refused:forbidden' WHERE id = $1", target)
            await conn.execute("REVOKE UPDATE ON audit_records FROM CURRENT_USER")
            await conn.execute("ALTER TABLE audit_records ENABLE TRIGGER audit_records_append_only")
    finally:
        await conn.close()

    code, lines = audit_verify(env)
    assert code == 1, lines
    (broken,) = [line for line in lines if line.startswith("accounts:")]
    assert broken.startswith(f"accounts: BROKEN at record {target} altered"), broken
